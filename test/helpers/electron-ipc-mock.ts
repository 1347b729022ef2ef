/**
 * The `electron` stand-in for IPC, preload and window tests: electron-mock.ts's `app` and `shell`,
 * plus an ipcMain that keeps its handlers, an ipcRenderer that keeps its listeners, a contextBridge
 * that records what is exposed, and a BrowserWindow that records its options.
 * Use with `vi.mock('electron', () => import('../helpers/electron-ipc-mock.ts'))`.
 */
import { vi } from 'vitest';
import * as base from './electron-mock.ts';

// Plain constants rather than `export { app, shell }`: vitest's transform left that re-export undefined.
/** electron-mock.ts's `app`. */
export const app = base.app;
/** electron-mock.ts's `shell`. */
export const shell = base.shell;

type Handler = (event: unknown, ...args: unknown[]) => unknown;
const handlers = new Map<string, Handler>();
const rendererListeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();

/** What `contextBridge.exposeInMainWorld` received, by key. */
export const exposed: Record<string, unknown> = {};

/** Electron's `ipcMain`, keeping the registered handlers. */
export const ipcMain = {
  handle: vi.fn((channel: string, handler: Handler) => {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, handler);
  }),
  removeHandler: vi.fn((channel: string) => void handlers.delete(channel)),
  on: vi.fn(),
};

/** Calls the handler main registered for a channel, as `ipcRenderer.invoke` would. */
export async function invokeMain(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
  const handler = handlers.get(channel);
  if (!handler) throw new Error(`No handler registered for '${channel}'`);
  return handler(event, ...args);
}

/** The channels main handles now. */
export function handledChannels(): string[] {
  return [...handlers.keys()];
}

/** Electron's `ipcRenderer`, keeping its listeners. */
export const ipcRenderer = {
  invoke: vi.fn((_channel: string, ..._args: unknown[]): Promise<unknown> => Promise.resolve(undefined)),
  on: vi.fn((channel: string, listener: (event: unknown, payload: unknown) => void) => {
    if (!rendererListeners.has(channel)) rendererListeners.set(channel, new Set());
    rendererListeners.get(channel)!.add(listener);
  }),
  removeListener: vi.fn((channel: string, listener: (event: unknown, payload: unknown) => void) => {
    rendererListeners.get(channel)?.delete(listener);
  }),
  send: vi.fn(),
  sendSync: vi.fn(),
};

/** Delivers a message from main to the renderer's listeners. */
export function emitToRenderer(channel: string, payload: unknown): void {
  for (const listener of rendererListeners.get(channel) ?? [])
    listener({ sender: 'ipc-renderer-event' }, payload);
}

/** Electron's `contextBridge`. */
export const contextBridge = {
  exposeInMainWorld: vi.fn((key: string, value: unknown) => {
    exposed[key] = value;
  }),
};

/** A webContents that records its listeners and window-open handler. */
export function createWebContents(url = 'file:///app/out/renderer/index.html') {
  const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const contents = {
    mainFrame: { url } as { url: string },
    destroyed: false,
    isDestroyed: () => contents.destroyed,
    send: vi.fn(),
    reload: vi.fn(),
    on: vi.fn((event: string, listener: (...args: unknown[]) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    }),
    windowOpenHandler: null as null | ((details: { url: string }) => { action: string }),
    setWindowOpenHandler: vi.fn((handler: (details: { url: string }) => { action: string }) => {
      contents.windowOpenHandler = handler;
    }),
    /** Fires an event the way Electron does, with an event object carrying `url`. */
    fire(event: string, url?: string): { defaultPrevented: boolean } {
      const e = { url, defaultPrevented: false, preventDefault: () => void (e.defaultPrevented = true) };
      for (const listener of listeners.get(event) ?? []) listener(e, url);
      return e;
    },
    /** Calls the listeners of `event` with an event object and these arguments. */
    emit(event: string, ...args: unknown[]): void {
      for (const listener of listeners.get(event) ?? []) listener({}, ...args);
    },
  };
  return contents;
}

/** Electron's `BrowserWindow`, recording each instance's options. */
export class BrowserWindow {
  static instances: BrowserWindow[] = [];
  readonly webContents = createWebContents();
  readonly loadURL = vi.fn(() => Promise.resolve());
  readonly once = vi.fn();
  readonly on = vi.fn();
  readonly show = vi.fn();
  readonly isVisible = vi.fn(() => false);
  readonly isDestroyed = vi.fn(() => false);
  constructor(readonly options: Record<string, unknown>) {
    BrowserWindow.instances.push(this);
  }
}

/** A session whose handlers can be called by tests. */
export function createSession() {
  const ses = {
    requestHandler: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
    checkHandler: null as null | ((...args: unknown[]) => boolean),
    headersHandler: null as null | ((details: unknown, cb: (response: unknown) => void) => void),
    setPermissionRequestHandler: vi.fn((h) => void (ses.requestHandler = h)),
    setPermissionCheckHandler: vi.fn((h) => void (ses.checkHandler = h)),
    webRequest: { onHeadersReceived: vi.fn((h) => void (ses.headersHandler = h)) },
  };
  return ses;
}

/** Electron's `session` module. */
export const session = { defaultSession: createSession() };

/** Forgets handlers, listeners, exposed values and windows between tests. */
export function resetIpcMock(): void {
  handlers.clear();
  rendererListeners.clear();
  for (const key of Object.keys(exposed)) delete exposed[key];
  BrowserWindow.instances = [];
  vi.clearAllMocks();
}

export default { app, shell, ipcMain, ipcRenderer, contextBridge, BrowserWindow, session };
