/**
 * Preload bundle (sandboxed, CommonJS): exposes `window.api`, one method per dashboard operation and
 * one `onX(cb) → unsubscribe` per event. Never ipcRenderer itself, never a generic send.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { EventName, OperationName, Result } from '../shared/api.ts';
import {
  EVENT_NAMES,
  IPC_CHANNELS,
  IPC_EVENT_CHANNELS,
  OPERATION_NAMES,
  WINDOW_API_KEY,
  subscriberName,
} from '../shared/api.ts';
import type { WindowApi } from '../shared/window-api.ts';

/** Builds the object exposed as `window.api`. */
export function createWindowApi(
  ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>,
): WindowApi {
  const api: Record<string, unknown> = {};
  for (const name of OPERATION_NAMES) {
    api[name] = (input?: unknown) => invoke(ipc, name, input);
  }
  for (const event of EVENT_NAMES) {
    api[subscriberName(event)] = (listener: (payload: unknown) => void) => subscribe(ipc, event, listener);
  }
  return Object.freeze(api) as unknown as WindowApi;
}

async function invoke(
  ipc: Pick<typeof ipcRenderer, 'invoke'>,
  name: OperationName,
  input: unknown,
): Promise<Result<unknown>> {
  try {
    // Pass no argument rather than `undefined` for operations without input, so main's arity check holds.
    return (await (input === undefined
      ? ipc.invoke(IPC_CHANNELS[name])
      : ipc.invoke(IPC_CHANNELS[name], input))) as Result<unknown>;
  } catch (error) {
    // Only happens when main has no handler (shutting down) or a clone failed: still a value, never a throw.
    return { ok: false, error: { code: 'internal', message: (error as Error).message } };
  }
}

function subscribe(
  ipc: Pick<typeof ipcRenderer, 'on' | 'removeListener'>,
  event: EventName,
  listener: (payload: unknown) => void,
): () => void {
  if (typeof listener !== 'function') throw new TypeError(`${subscriberName(event)} needs a function`);
  // The IPC event object is dropped: it would hand the page a `sender` to talk to main with.
  const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipc.on(IPC_EVENT_CHANNELS[event], wrapped);
  return () => {
    ipc.removeListener(IPC_EVENT_CHANNELS[event], wrapped);
  };
}

contextBridge.exposeInMainWorld(WINDOW_API_KEY, createWindowApi(ipcRenderer));
