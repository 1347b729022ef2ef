import { beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { EventSubscriberName, OperationName } from '../../src-main/shared/api.ts';
import {
  IPC_CHANNELS,
  EVENT_NAMES,
  IPC_EVENT_CHANNELS,
  OPERATION_NAMES,
  WINDOW_API_KEY,
  WINDOW_API_METHODS,
} from '../../src-main/shared/api.ts';
import type { WindowApi } from '../../src-main/shared/window-api.ts';
import { contextBridge, emitToRenderer, exposed, ipcRenderer } from '../helpers/electron-ipc-mock.ts';

vi.mock('electron', () => import('../helpers/electron-ipc-mock.ts'));

let api: WindowApi;
beforeAll(async () => {
  await import('../../src-main/preload/index.ts');
  api = exposed[WINDOW_API_KEY] as WindowApi;
});

describe('preload', () => {
  it('exposes exactly the declared methods under window.api, and nothing else', () => {
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
    expect(Object.keys(exposed)).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual([...WINDOW_API_METHODS].sort());
    // Every operation and every event has a method of its own: no subscriber name hides an operation.
    expect(new Set(WINDOW_API_METHODS).size).toBe(OPERATION_NAMES.length + EVENT_NAMES.length);
    expect(Object.keys(api)).toContain('balances');
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
    expectTypeOf<keyof WindowApi>().toEqualTypeOf<OperationName | EventSubscriberName>();
  });

  it('invokes one channel per operation with its input', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { index: 2 } });
    expect(await api.block({ index: 2 })).toEqual({ ok: true, value: { index: 2 } });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(IPC_CHANNELS.block, { index: 2 });
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: null });
    await api.stopMining();
    // No stray `undefined` argument: main counts arguments.
    expect(ipcRenderer.invoke.mock.lastCall).toEqual([IPC_CHANNELS.stopMining]);
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { height: 1, rows: [], skipped: 0 } });
    expect(await api.balances()).toEqual({ ok: true, value: { height: 1, rows: [], skipped: 0 } });
    expect(ipcRenderer.invoke.mock.lastCall).toEqual(['chain:balances']);
  });

  it('turns a rejected invoke into an error value', async () => {
    ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'node:status'"));
    expect(await api.status()).toEqual({
      ok: false,
      error: { code: 'internal', message: "No handler registered for 'node:status'" },
    });
  });

  it('subscribes to events with onX(cb) → unsubscribe, passing the payload only', () => {
    const listener = vi.fn();
    const unsubscribe = api.onPending(listener);
    emitToRenderer(IPC_EVENT_CHANNELS.pending, { count: 3 });
    expect(listener).toHaveBeenCalledWith({ count: 3 });
    expect(listener.mock.lastCall).toHaveLength(1);
    unsubscribe();
    emitToRenderer(IPC_EVENT_CHANNELS.pending, { count: 4 });
    expect(listener).toHaveBeenCalledOnce();
    expect(() => api.onStatus('not a function' as never)).toThrow(TypeError);
  });
});
