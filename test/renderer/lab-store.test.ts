// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { message } from '@shared/messages';
import { setDashboardClient } from '@renderer/api';
import { LAB_REFRESH_MS, useLabStore } from '@renderer/stores/lab';
import { useNodeStore } from '@renderer/stores/node';
import { useNotificationsStore } from '@renderer/stores/notifications';
import { createFakeClient, makeStatus, ok } from './fake-client';
import type { FakeClient } from './fake-client';
import { makeFlight, makeReport, makeTree, makeView } from './lab-fixtures';

let client: FakeClient;

beforeEach(() => {
  setActivePinia(createPinia());
  client = createFakeClient();
  client.networkView.mockImplementation(async () => ok(makeView()));
  client.forkTree.mockImplementation(async () => ok(makeTree()));
  client.flights.mockImplementation(async () => ok([makeFlight()]));
  setDashboardClient(client);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the lab store', () => {
  it('fetches a feed only while a screen follows it', async () => {
    const lab = useLabStore();
    client.emit('lab', { what: 'network' });
    await flushPromises();
    expect(client.networkView).not.toHaveBeenCalled();

    const release = lab.follow('network');
    await flushPromises();
    expect(client.networkView).toHaveBeenCalledTimes(1);
    expect(lab.view?.nodes[0]?.name).toBe('Ana');
    // Nobody shows the tree: the hint about it costs nothing.
    client.emit('lab', { what: 'forks' });
    await flushPromises();
    expect(client.forkTree).not.toHaveBeenCalled();

    release();
    release();
    vi.useFakeTimers();
    client.emit('lab', { what: 'network' });
    await vi.advanceTimersByTimeAsync(LAB_REFRESH_MS * 4);
    expect(client.networkView).toHaveBeenCalledTimes(1);
  });

  it('collapses a burst of hints into few fetches, and a new block refreshes every shown view', async () => {
    vi.useFakeTimers();
    const lab = useLabStore();
    lab.follow('network');
    lab.follow('forks');
    lab.follow('flights');
    await vi.advanceTimersByTimeAsync(0);
    expect(client.networkView).toHaveBeenCalledTimes(1);
    // An auto-mining node: a hundred hints within one refresh interval.
    for (let i = 0; i < 100; i++) client.emit('lab', { what: 'network' });
    await vi.advanceTimersByTimeAsync(LAB_REFRESH_MS);
    expect(client.networkView).toHaveBeenCalledTimes(2);
    client.emit('chain', { height: 11, reason: 'received' });
    await vi.advanceTimersByTimeAsync(LAB_REFRESH_MS);
    expect(client.networkView).toHaveBeenCalledTimes(3);
    expect(client.forkTree).toHaveBeenCalledTimes(2);
    expect(client.flights).toHaveBeenCalledTimes(2);
    expect(client.forkTree).toHaveBeenLastCalledWith({ depth: 30 });
    lab.setForkDepth(100);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.forkTree).toHaveBeenLastCalledWith({ depth: 100 });
  });

  it('keeps a failed fetch as the feed’s error, and clears it when the node answers again', async () => {
    client.networkView.mockImplementationOnce(async () => ({
      ok: false,
      error: { code: 'network', message: 'fetch failed' },
    }));
    const lab = useLabStore();
    lab.follow('network');
    await flushPromises();
    expect(lab.feedErrors.network?.code).toBe('network');
    expect(useNotificationsStore().items).toHaveLength(0);
    client.setConnection('lost');
    client.setConnection('open');
    await flushPromises();
    expect(lab.feedErrors.network).toBeNull();
    expect(lab.view).not.toBeNull();
  });

  it('shows the switches the node answers with at once, and a refused pace beside its field', async () => {
    const node = useNodeStore();
    node.status = makeStatus();
    const lab = useLabStore();
    const pace = { seconds: 10, setById: 'a'.repeat(32), setByName: 'Ana', setAt: Date.now() };
    client.setPrivateMining.mockImplementation(async () =>
      ok({ privateMining: true, withheld: 0, publicHeight: 3, pace: null, nextBlockAt: null }),
    );
    client.setPace.mockImplementation(async ({ seconds }: { seconds: number }) =>
      seconds > 3600
        ? {
            ok: false,
            error: {
              code: 'invalid-request',
              message: 'The pace is a whole number of seconds from 0 (no pace) to 3600.',
              detail: message('lab-pace-range', { max: 3600 }),
              field: 'seconds',
            },
          }
        : ok({ privateMining: true, withheld: 0, publicHeight: 3, pace, nextBlockAt: null }),
    );
    expect(await lab.setPrivateMining(true)).toBe(true);
    expect(client.setPrivateMining).toHaveBeenCalledWith({ on: true });
    expect(lab.state?.privateMining).toBe(true);
    expect(await lab.setPace(9999)).toBe(false);
    expect(lab.paceError).toEqual({
      message: message('lab-pace-range', { max: 3600 }),
      fallback: 'The pace is a whole number of seconds from 0 (no pace) to 3600.',
    });
    expect(await lab.setPace(10)).toBe(true);
    expect(lab.paceError).toBeNull();
    expect(lab.state?.pace?.setByName).toBe('Ana');
  });

  it('keeps the tamper report and the verdicts, and a refused edit with its field', async () => {
    const lab = useLabStore();
    const edit = { index: 2, kind: 'transaction', transaction: 0, field: 'amount', value: '500' } as const;
    client.tamperPreview.mockImplementationOnce(async () => ({
      ok: false,
      error: {
        code: 'invalid-request',
        message: 'amount “x” is not a number: type digits such as 5 or 2.5',
        detail: message('tx-amount-text', { got: 'x' }),
        field: 'value',
      },
    }));
    expect(await lab.preview({ ...edit, value: 'x' })).toBeNull();
    expect(lab.editError?.field).toBe('value');
    client.tamperPreview.mockImplementation(async () => ok(makeReport()));
    expect(await lab.preview(edit)).not.toBeNull();
    expect(lab.editError).toBeNull();
    expect(lab.report?.firstBroken?.index).toBe(3);
    client.tamperSend.mockImplementation(async () => ok({ report: makeReport(), verdicts: [] }));
    await lab.send(edit);
    expect(client.tamperSend).toHaveBeenCalledWith(edit);
    expect(lab.sent?.verdicts).toEqual([]);
    lab.clearReport();
    expect(lab.report).toBeNull();
    expect(lab.sent).toBeNull();
  });
});
