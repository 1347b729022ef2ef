/**
 * The renderer half of the stand-in: runs in the page before its scripts, as Electron runs a sandboxed
 * preload. It gives the preload what a sandboxed preload gets from Electron for our purposes: a
 * `require` that knows only 'electron' (anything else throws "module not found", as in Electron's
 * sandbox), an `ipcRenderer` whose messages cross a Playwright binding to the fake `ipcMain` in Node,
 * and a `contextBridge` that copies the exposed API onto the page's `window`. A preload that throws is
 * reported to Node, which emits `preload-error` as Electron does.
 *
 * The stand-in reads this file as text and calls the expression below with its configuration and the
 * preload wrapped in a CommonJS function, so it must stay one self-contained function expression.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- the stand-in calls this expression
(function installPreloadHost(config, preload) {
  const page = globalThis;
  // Electron runs the preload in the main frame only (nodeIntegrationInSubFrames is off).
  if (page.top !== page) return;
  const toMain = page[config.binding];
  const listeners = new Map();

  const clone = (value) => {
    try {
      return structuredClone(value);
    } catch (error) {
      throw new Error(`An object could not be cloned. (${error.message})`, { cause: error });
    }
  };

  const ipcRenderer = {
    invoke(channel, ...args) {
      if (typeof channel !== 'string') return Promise.reject(new TypeError('channel must be a string'));
      let payload;
      try {
        payload = clone(args);
      } catch (error) {
        return Promise.reject(error);
      }
      return toMain({ kind: 'invoke', channel, args: payload }).then((reply) => {
        if (reply.error !== undefined) {
          throw new Error(`Error invoking remote method '${channel}': ${reply.error}`);
        }
        return reply.value;
      });
    },
    send(channel, ...args) {
      void toMain({ kind: 'send', channel, args: clone(args) });
    },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, []);
      listeners.get(channel).push(listener);
      return ipcRenderer;
    },
    once(channel, listener) {
      const wrapped = (...args) => {
        ipcRenderer.removeListener(channel, wrapped);
        listener(...args);
      };
      return ipcRenderer.on(channel, wrapped);
    },
    removeListener(channel, listener) {
      const list = listeners.get(channel) ?? [];
      const at = list.indexOf(listener);
      if (at !== -1) list.splice(at, 1);
      return ipcRenderer;
    },
    off(channel, listener) {
      return ipcRenderer.removeListener(channel, listener);
    },
    removeAllListeners(channel) {
      if (channel === undefined) listeners.clear();
      else listeners.delete(channel);
      return ipcRenderer;
    },
  };

  // webContents.send from main arrives here.
  Object.defineProperty(page, config.deliver, {
    value: (channel, args) => {
      const event = { sender: ipcRenderer, senderId: 0, ports: [] };
      for (const listener of [...(listeners.get(channel) ?? [])]) listener(event, ...clone(args));
    },
  });

  // Values cross the bridge as copies; functions (and what they return) are proxied.
  const bridge = (value) => {
    if (typeof value === 'function') {
      return (...args) => {
        const result = value(...args.map(bridge));
        return result instanceof Promise ? result.then(bridge) : bridge(result);
      };
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(bridge);
    const copy = {};
    for (const key of Object.keys(value)) copy[key] = bridge(value[key]);
    return copy;
  };

  const contextBridge = {
    exposeInMainWorld(key, api) {
      if (Object.prototype.hasOwnProperty.call(page, key)) {
        throw new Error(`Cannot bind an API on top of an existing property on the window object`);
      }
      Object.defineProperty(page, key, { value: bridge(api), enumerable: true });
    },
  };

  const electron = Object.freeze({ contextBridge, ipcRenderer });
  const require = (name) => {
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`);
  };
  const module = { exports: {} };
  const process = Object.freeze({
    platform: config.platform,
    type: 'renderer',
    sandboxed: true,
    contextIsolated: true,
    versions: Object.freeze({ ...config.versions }),
    env: Object.freeze({}),
  });
  try {
    preload.call(module.exports, require, module, module.exports, config.preloadPath, process);
    void toMain({ kind: 'preload-ran' });
  } catch (error) {
    void toMain({
      kind: 'preload-error',
      message: String(error?.message ?? error),
      stack: String(error?.stack),
    });
  }
});
