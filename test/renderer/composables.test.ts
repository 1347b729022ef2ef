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
import { AUTO_MINE_GAP_MS, binSamples, useMiningView } from '@renderer/composables/use-mining-view';
import { useNodeStore } from '@renderer/stores/node';
import { useSettingsStore } from '@renderer/stores/settings';
import { createFakeClient, makeSettings, ok } from './fake-client';
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
  const active = (withProgress: boolean) => ({
    active: true,
    targetIndex: 4,
    progress: withProgress ? progress : null,
    workers: 1,
  });
  const idle = { active: false, targetIndex: null, progress: null, workers: 1 };

  it('reads as mining between two auto-mined blocks, with the last rate, and idle once auto-mine pauses', async () => {
    vi.useFakeTimers();
    client.settings.mockResolvedValue(ok(makeSettings({ autoMine: true })));
    useNodeStore().start();
    useSettingsStore().start();
    await flushPromises();
    const view = mountMiningView();
    // Events come one by one (each its own task), as over SSE or IPC.
    client.emit('mining', active(true));
    await nextTick();
    client.emit('mining', idle);
    await nextTick();
    expect(view.running.value).toBe(true);
    // A block found before its first progress report still shows the last rate.
    client.emit('mining', active(false));
    await nextTick();
    expect(view.progress.value?.hashRate).toBe(5000);
    await nextTick();
    client.emit('mining', idle);
    await vi.advanceTimersByTimeAsync(AUTO_MINE_GAP_MS - 100);
    expect(view.running.value).toBe(true);
    await vi.advanceTimersByTimeAsync(200);
    expect(view.running.value).toBe(false);
    expect(view.progress.value).toBeNull();
  });

  it('is idle at once after a single block, and after Stop', async () => {
    useNodeStore().start();
    useSettingsStore().start();
    await flushPromises();
    const view = mountMiningView();
    client.emit('mining', active(true));
    await nextTick();
    expect(view.running.value).toBe(true);
    client.emit('mining', idle);
    await nextTick();
    expect(view.running.value).toBe(false);

    client.emit('settings', makeSettings({ autoMine: true }));
    client.emit('mining', active(true));
    await nextTick();
    await view.stop();
    client.emit('mining', idle);
    await nextTick();
    expect(client.stopMining).toHaveBeenCalled();
    expect(view.running.value).toBe(false);
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
