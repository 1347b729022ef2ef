// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick, ref } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Pinia } from 'pinia';
import { setDashboardClient } from '@renderer/api';
import { createAppI18n } from '@renderer/i18n';
import {
  cachedFormatterCount,
  dateTimeFormat,
  numberFormat,
  useFormat,
} from '@renderer/composables/use-format';
import { useCoalesced } from '@renderer/composables/use-coalesced';
import { useThrottled } from '@renderer/composables/use-throttled';
import { binSamples, useMiningView } from '@renderer/composables/use-mining-view';
import { useNodeStore } from '@renderer/stores/node';
import { createFakeClient, makeMining, ok } from './fake-client';
import type { FakeClient } from './fake-client';

let client: FakeClient;
let pinia: Pinia;

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  client = createFakeClient();
  setDashboardClient(client);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Runs a composable inside a mounted component (composables need one) and returns what it gave. */
function withSetup<T>(setup: () => T, plugins: object[] = [pinia]): T {
  let result!: T;
  mount(
    defineComponent({
      setup() {
        result = setup();
        return () => h('p');
      },
    }),
    { global: { plugins: plugins as never[] } },
  );
  return result;
}

describe('formatters', () => {
  it('builds one formatter per locale and option set, and drops them when the language changes', () => {
    const en = numberFormat('en', 0);
    expect(numberFormat('en', 0)).toBe(en);
    expect(numberFormat('en', 1)).not.toBe(en);
    expect(dateTimeFormat('en', 'clock')).toBe(dateTimeFormat('en', 'clock'));
    expect(cachedFormatterCount()).toBe(3);
    const zh = numberFormat('zh-CN', 0);
    expect(zh.resolvedOptions().locale).toBe('zh-CN');
    expect(cachedFormatterCount()).toBe(1);
    expect(numberFormat('en', 0)).not.toBe(en);
  });

  it('formats a screenful of numbers and times with a handful of formatters', async () => {
    const built = { numbers: 0, dates: 0 };
    const { NumberFormat, DateTimeFormat } = Intl;
    Intl.NumberFormat = class extends NumberFormat {
      constructor(...args: ConstructorParameters<typeof NumberFormat>) {
        super(...args);
        built.numbers++;
      }
    } as typeof NumberFormat;
    Intl.DateTimeFormat = class extends DateTimeFormat {
      constructor(...args: ConstructorParameters<typeof DateTimeFormat>) {
        super(...args);
        built.dates++;
      }
    } as typeof DateTimeFormat;
    try {
      const i18n = createAppI18n('zh-CN');
      const format = withSetup(() => useFormat(), [i18n]);
      const screenful = (): string[] => {
        const texts: string[] = [];
        for (let i = 0; i < 500; i++) {
          texts.push(format.number(i * 1000), format.clock(1_700_000_000_000 + i), format.hashRate(i * 1e4));
        }
        return texts;
      };
      screenful();
      // Built once per layout for this locale: the 1,500 values reused them.
      expect(built).toEqual({ numbers: 3, dates: 1 });
      i18n.global.locale.value = 'en';
      await nextTick();
      expect(screenful()).toContain('12,000');
      expect(built).toEqual({ numbers: 6, dates: 2 });
    } finally {
      Intl.NumberFormat = NumberFormat;
      Intl.DateTimeFormat = DateTimeFormat;
    }
  });
});

describe('live refreshes', () => {
  it('runs what a person asks at once, and follows events at most once per interval', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn(() => Promise.resolve());
    const { run, schedule, loading } = useCoalesced(fetch, { minIntervalMs: 250 });
    const asked = run();
    expect(loading.value).toBe(true);
    await asked;
    expect(loading.value).toBe(false);
    for (let i = 0; i < 30; i++) schedule();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(loading.value).toBe(false);
    await vi.advanceTimersByTimeAsync(250);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetch).toHaveBeenCalledTimes(2);
    // A person's request does not wait for the interval.
    await run();
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('forgets a scheduled refresh when the screen closes', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn(() => Promise.resolve());
    const { run, schedule, cancel } = useCoalesced(fetch, { minIntervalMs: 250 });
    await run();
    schedule();
    cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('shows the first change at once, the latest at the end of the interval, a filter change at once', async () => {
    vi.useFakeTimers();
    const source = ref(0);
    const filter = ref('');
    const copy = useThrottled(() => `${filter.value}${source.value}`, 250, { flushOn: [filter] });
    source.value = 1;
    await nextTick();
    expect(copy.value).toBe('1');
    source.value = 2;
    await nextTick();
    source.value = 3;
    await nextTick();
    expect(copy.value).toBe('1');
    await vi.advanceTimersByTimeAsync(250);
    expect(copy.value).toBe('3');
    source.value = 4;
    await nextTick();
    filter.value = 'x';
    await nextTick();
    expect(copy.value).toBe('x4');
  });
});

describe('mining as shown', () => {
  const mountMiningView = () => withSetup(() => useMiningView());
  const progress = { tried: 10, hashRate: 5000, elapsedMs: 250, expectedMs: 13_000, workers: 1 };
  // Under auto-mine the node reports `active` from one block to the next and keeps its rate.
  const auto = (withProgress: boolean, targetIndex: number | null = 4) =>
    makeMining({
      active: true,
      auto: true,
      targetIndex,
      progress: withProgress ? progress : null,
      hashRate: 5000,
      blocksPerMinute: 12,
    });

  it('reads as mining between two auto-mined blocks, with the last report, and idle once auto-mine stops', async () => {
    useNodeStore().start();
    await flushPromises();
    const view = mountMiningView();
    // Events come one by one (each its own task), as over SSE or IPC.
    client.emit('mining', auto(true));
    await nextTick();
    expect(view.running.value).toBe(true);
    expect(view.auto.value).toBe(true);
    // Between two blocks, and a block found before its first progress report: the last report stays.
    client.emit('mining', auto(false, null));
    await nextTick();
    expect(view.running.value).toBe(true);
    expect(view.progress.value?.tried).toBe(10);
    expect(view.rate.value).toBe(5000);
    expect(view.blocksPerMinute.value).toBe(12);
    client.emit('mining', auto(false, 5));
    await nextTick();
    expect(view.progress.value?.tried).toBe(10);
    // Auto-mine stopped by itself (the node said so): idle at once, nothing left from the last block.
    client.emit('mining', makeMining({ blocksPerMinute: 12 }));
    await nextTick();
    expect(view.running.value).toBe(false);
    expect(view.auto.value).toBe(false);
    expect(view.progress.value).toBeNull();
    expect(view.rate.value).toBe(0);
  });

  it('is idle at once after a single block, and as soon as Stop is pressed', async () => {
    useNodeStore().start();
    await flushPromises();
    const view = mountMiningView();
    client.emit('mining', makeMining({ active: true, targetIndex: 4, progress, hashRate: 5000 }));
    await nextTick();
    expect(view.running.value).toBe(true);
    expect(view.auto.value).toBe(false);
    client.emit('mining', makeMining());
    await nextTick();
    expect(view.running.value).toBe(false);

    client.emit('mining', auto(true));
    await nextTick();
    let release: () => void = () => undefined;
    client.stopMining.mockImplementationOnce(
      () => new Promise((resolve) => (release = () => resolve(ok(null)))),
    );
    const stopped = view.stop();
    // Before the node answers, and while its search winds down (auto off, the search still active).
    expect(view.running.value).toBe(false);
    client.emit('mining', makeMining({ active: true, targetIndex: 4, hashRate: 5000 }));
    await nextTick();
    expect(view.running.value).toBe(false);
    release();
    await stopped;
    client.emit('mining', makeMining());
    await nextTick();
    expect(client.stopMining).toHaveBeenCalledOnce();
    expect(view.running.value).toBe(false);
    // The next Mine reads as mining again.
    client.emit('mining', makeMining({ active: true, targetIndex: 5 }));
    await nextTick();
    expect(view.running.value).toBe(true);
  });

  it('reads as mining again when a Stop fails', async () => {
    useNodeStore().start();
    await flushPromises();
    const view = mountMiningView();
    client.emit('mining', auto(true));
    await nextTick();
    client.stopMining.mockResolvedValueOnce({
      ok: false,
      error: { code: 'node-closed', message: 'closing' },
    });
    await view.stop();
    expect(view.running.value).toBe(true);
  });

  it('charts the highest rate of each second, so gaps between blocks do not saw the line to zero', () => {
    const samples = [
      { t: 1000, rate: 10 },
      { t: 1200, rate: 0 },
      { t: 1500, rate: 30 },
      { t: 1900, rate: 0 },
      { t: 2100, rate: 20 },
    ];
    expect(binSamples(samples)).toEqual([
      { t: 1000, rate: 30 },
      { t: 2000, rate: 20 },
    ]);
    expect(samples[0]).toEqual({ t: 1000, rate: 10 });
  });
});
