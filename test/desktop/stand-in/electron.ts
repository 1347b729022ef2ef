/**
 * A stand-in for Electron, for running the real built app where Electron's binary cannot be had.
 * Main runs in this Node process against a typed fake of the Electron API it uses; each BrowserWindow
 * is a page of Debian's headless Chromium, into which the real built preload is injected by
 * `preload-host.js` and bridged to the fake `ipcMain` here. Custom schemes registered as privileged
 * and handled with `protocol.handle` are mapped onto `http://HOST.SCHEME.stand-in.localhost/` (a
 * secure context Chromium never resolves over the network) and answered by main's own handler; main
 * sees only the app's URLs. The test steers it with JSON lines on stdin and reads what happened on fd 3.
 *
 * Every member is typed against Electron's own `electron.d.ts` (see StandInExports), so a change of
 * Electron's API breaks the typecheck here instead of letting the stand-in drift.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { chromium } from 'playwright-core';
import type { BrowserContext, Frame, Page, Route } from 'playwright-core';
import { readAppFile } from './asar-files.mjs';
import type { StandInCommand, StandInEvent } from './protocol.ts';

/** The parts of Electron's API the app's main process uses, as Electron's own types declare them. */
export interface StandInExports {
  app: Pick<
    Electron.App,
    | 'whenReady'
    | 'isReady'
    | 'quit'
    | 'exit'
    | 'getPath'
    | 'getVersion'
    | 'getName'
    | 'getAppPath'
    | 'requestSingleInstanceLock'
    | 'releaseSingleInstanceLock'
    | 'isPackaged'
    | 'focus'
  >;
  BrowserWindow: new (options?: Electron.BrowserWindowConstructorOptions) => UsedWindow;
  dialog: Pick<Electron.Dialog, 'showErrorBox' | 'showMessageBox'>;
  ipcMain: Pick<Electron.IpcMain, 'handle' | 'removeHandler'>;
  net: Pick<Electron.Net, 'fetch'>;
  // Event emitters: Electron's `on` returns the full class, so only the emitter shape is checked.
  powerMonitor: NodeJS.EventEmitter;
  protocol: Pick<
    Electron.Protocol,
    'registerSchemesAsPrivileged' | 'handle' | 'unhandle' | 'isProtocolHandled'
  >;
  session: {
    defaultSession: Pick<Electron.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
  };
  shell: Pick<Electron.Shell, 'openExternal'>;
}

type UsedWindow = Pick<
  Electron.BrowserWindow,
  | 'id'
  | 'show'
  | 'hide'
  | 'isVisible'
  | 'isMinimized'
  | 'restore'
  | 'focus'
  | 'close'
  | 'destroy'
  | 'isDestroyed'
  | 'loadURL'
> & { webContents: UsedWebContents } & NodeJS.EventEmitter;

type UsedWebContents = Pick<
  Electron.WebContents,
  'id' | 'send' | 'getURL' | 'isDestroyed' | 'reload' | 'executeJavaScript' | 'setWindowOpenHandler'
> & { mainFrame: Pick<Electron.WebFrameMain, 'url'> } & NodeJS.EventEmitter;

type IpcHandler = (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown;
type ProtocolHandler = (request: Request) => Response | Promise<Response>;

// ─────────────────────────────── configuration ───────────────────────────────

const ENV = process.env;
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  // The test drives the same Chromium over CDP; the port is read from DevToolsActivePort.
  '--remote-debugging-port=0',
];
const MAPPED_HOST = /^http:\/\/([a-z0-9-]+)\.([a-z][a-z0-9+.-]*)\.stand-in\.localhost(\/.*)?$/;

let appPath = '';
let packaged = false;
let manifest: { name?: string; productName?: string; version?: string; main?: string } = {};

/** Reads the app (a folder with package.json, or resources/app.asar) and returns main's module URL. */
export function prepareApp(path: string): string {
  appPath = resolve(path);
  packaged = appPath.endsWith('.asar');
  manifest = JSON.parse(readAppFile(join(appPath, 'package.json')).toString('utf8')) as typeof manifest;
  // What Electron's main process looks like to the code in it.
  const versions = process.versions as Record<string, string>;
  versions['electron'] = electronVersion();
  Object.assign(process, { type: 'browser' });
  if (packaged) Object.assign(process, { resourcesPath: dirname(appPath) });
  return pathToFileURL(join(appPath, manifest.main ?? 'index.js')).href;
}

function electronVersion(): string {
  const pkg = fileURLToPath(new URL('../../../node_modules/electron/package.json', import.meta.url));
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

// ───────────────────────────── the test's channel ─────────────────────────────

/** Tells the test what happened (fd 3, one JSON object a line; synchronous so nothing is lost at exit). */
export function report(event: StandInEvent): void {
  try {
    writeSync(3, `${JSON.stringify(event)}\n`);
  } catch {
    // Not started by the test harness: nobody listens.
  }
}

// ─────────────────────────────────── events ───────────────────────────────────

/** Electron's Event: preventable, with the extra fields some events carry. */
class FakeEvent<T extends object = object> {
  defaultPrevented = false;
  constructor(fields?: T) {
    Object.assign(this, fields);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

function event<T extends object>(fields?: T): FakeEvent<T> & T {
  return new FakeEvent(fields) as FakeEvent<T> & T;
}

// ──────────────────────────────────── app ────────────────────────────────────

class FakeApp extends EventEmitter {
  isPackaged = false;
  private ready = false;
  private resolveReady: () => void = () => undefined;
  private readonly readyPromise = new Promise<void>((done) => (this.resolveReady = done));
  private quitting = false;
  private terminating = false;
  private lockServer: Server | null = null;
  private lockFile: string | null = null;
  private pendingNotices: Promise<void>[] = [];
  private osEnding = false;

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  isReady(): boolean {
    return this.ready;
  }

  /** Called by the launcher once main's module has run its top level, as Electron's `ready` comes after. */
  async becomeReady(): Promise<void> {
    if (this.terminating) return;
    await renderer.start();
    if (this.terminating) return;
    this.ready = true;
    report({ type: 'ready', cdpPort: renderer.cdpPort });
    this.emit('will-finish-launching');
    this.emit('ready', event(), {});
    this.resolveReady();
  }

  getPath(name: string): string {
    if (name === 'userData' || name === 'sessionData' || name === 'appData') {
      const dir = ENV['BLOCKPARTY_STAND_IN_USER_DATA'];
      // Never a real profile: a run without the test's folder is a mistake.
      if (!dir) throw new Error('stand-in: BLOCKPARTY_STAND_IN_USER_DATA is not set');
      return name === 'appData' ? dirname(dir) : dir;
    }
    if (name === 'temp') return tmpdir();
    if (name === 'home') return homedir();
    if (name === 'logs') return join(this.getPath('userData'), 'logs');
    throw new Error(`Failed to get '${name}' path`);
  }

  getVersion(): string {
    return manifest.version ?? '0.0.0';
  }

  getName(): string {
    return manifest.productName ?? manifest.name ?? 'Electron';
  }

  getAppPath(): string {
    return appPath;
  }

  focus(): void {
    windows.values().next().value?.focus();
  }

  /**
   * Electron's lock lives in userData (SingletonLock, SingletonSocket). The first instance holds it;
   * a later one gets false and its command line is passed to the first as `second-instance`.
   */
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    const dir = this.getPath('userData');
    mkdirSync(dir, { recursive: true });
    const lock = join(dir, 'SingletonLock');
    const socket = join(dir, 'SingletonSocket');
    const take = (): boolean => {
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
        return true;
      } catch {
        return false;
      }
    };
    if (!take()) {
      const holder = Number(readFileSync(lock, 'utf8'));
      if (holder && isAlive(holder)) {
        this.pendingNotices.push(notifyFirstInstance(socket, additionalData ?? {}));
        return false;
      }
      rmSync(lock, { force: true });
      if (!take()) return false;
    }
    this.lockFile = lock;
    rmSync(socket, { force: true });
    this.lockServer = createServer((connection) => {
      let text = '';
      connection.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      connection.on('end', () => {
        const message = JSON.parse(text) as { argv: string[]; cwd: string; data: Record<string, unknown> };
        connection.end();
        report({ type: 'second-instance' });
        this.emit('second-instance', event(), message.argv, message.cwd, message.data);
      });
    });
    this.lockServer.listen(socket);
    this.lockServer.unref();
    return true;
  }

  releaseSingleInstanceLock(): void {
    this.lockServer?.close();
    this.lockServer = null;
    if (this.lockFile) rmSync(this.lockFile, { force: true });
    this.lockFile = null;
  }

  /** `app.quit()`: before-quit, then every window's close, then will-quit; any can be prevented. */
  quit(): void {
    this.requestQuit(false);
  }

  /** The same, asked by the operating system (shutdown, restart, log-out). */
  requestQuit(fromOs: boolean): void {
    if (this.terminating || this.quitting) return;
    const beforeQuit = event();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) {
      // What macOS does with an app that refuses to quit while the session ends: the shutdown stops.
      if (fromOs || this.osEnding) report({ type: 'os-quit-refused' });
      return;
    }
    this.quitting = true;
    for (const window of [...windows]) {
      const close = event();
      window.emit('close', close);
      if (close.defaultPrevented) {
        this.quitting = false;
        return;
      }
      window.destroy();
    }
    const willQuit = event();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      this.quitting = false;
      return;
    }
    this.emit('quit', event(), 0);
    void this.terminate(0);
  }

  /** `app.exit(code)`: ends at once, no events. */
  exit(exitCode = 0): void {
    void this.terminate(exitCode);
  }

  /** A window went away: with none left (and no quit under way), window-all-closed or quit. */
  windowClosed(): void {
    if (windows.size > 0 || this.quitting || this.terminating) return;
    if (this.listenerCount('window-all-closed') > 0) this.emit('window-all-closed');
    else this.quit();
  }

  /** macOS and Linux: the system announces a shutdown, then asks the app to quit. */
  async osShutdown(): Promise<void> {
    this.osEnding = true;
    const shutdown = event();
    powerMonitor.emit('shutdown', shutdown);
    // preventDefault asks Electron to hold the shutdown a moment so the app can quit by itself.
    if (shutdown.defaultPrevented) await waitFor(() => this.terminating, 5000);
    this.requestQuit(true);
  }

  /** Windows: query-session-end, session-end on each window, then the process is ended. */
  sessionEnd(): void {
    this.osEnding = true;
    for (const window of windows) {
      const query = event({ reasons: ['shutdown'] });
      window.emit('query-session-end', query);
      if (query.defaultPrevented) report({ type: 'os-quit-refused' });
    }
    for (const window of windows) window.emit('session-end', event({ reasons: ['shutdown'] }));
    // Windows ends the process once the handlers have returned: no time for anything asynchronous.
    setImmediate(() => void this.terminate(0));
  }

  private async terminate(code: number): Promise<void> {
    if (this.terminating) return;
    this.terminating = true;
    for (const window of [...windows]) window.destroy();
    // A second instance's message to the first is the only thing allowed to finish.
    await Promise.race([Promise.allSettled(this.pendingNotices), delay(2000)]);
    this.releaseSingleInstanceLock();
    report({ type: 'exit', code });
    // Like Electron, the process ends here: main's unfinished promises never run.
    process.exit(code);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function notifyFirstInstance(socket: string, data: Record<string, unknown>): Promise<void> {
  return new Promise((done) => {
    const connection = createConnection(socket, () => {
      connection.end(JSON.stringify({ argv: process.argv, cwd: process.cwd(), data }));
    });
    connection.on('close', () => done());
    connection.on('error', () => done());
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms).unref());
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await delay(20);
}

// ──────────────────────────────── ipcMain ────────────────────────────────

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, IpcHandler>();

  handle(channel: string, listener: IpcHandler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

// ─────────────────────────────── protocol, net ───────────────────────────────

const privileged = new Map<string, Electron.Privileges>();
const protocolHandlers = new Map<string, ProtocolHandler>();
let schemesRegistered = false;

const protocol = {
  registerSchemesAsPrivileged(customSchemes: Electron.CustomScheme[]): void {
    // Electron: only before `ready`, and only once.
    if (app.isReady())
      throw new Error('protocol.registerSchemesAsPrivileged must be called before app is ready');
    if (schemesRegistered) throw new Error('protocol.registerSchemesAsPrivileged can be called only once');
    schemesRegistered = true;
    for (const { scheme, privileges } of customSchemes) privileged.set(scheme, { ...privileges });
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    if (!app.isReady()) throw new Error('protocol.handle must be called after app is ready');
    if (protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    protocolHandlers.set(scheme, handler);
  },
  unhandle(scheme: string): void {
    protocolHandlers.delete(scheme);
  },
  isProtocolHandled(scheme: string): boolean {
    return protocolHandlers.has(scheme);
  },
};

/** The page URL Chromium loads for an app URL: only standard, secure, handled schemes are mapped. */
function toChromium(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const scheme = parsed.protocol.slice(0, -1);
  const privileges = privileged.get(scheme);
  if (!protocolHandlers.has(scheme) || !privileges?.standard || !privileges.secure) return url;
  return `http://${parsed.host}.${scheme}.stand-in.localhost${parsed.pathname}${parsed.search}${parsed.hash}`;
}

/** The app URL behind a page URL (unchanged when it is not a mapped one). */
function fromChromium(url: string): string {
  const match = MAPPED_HOST.exec(url);
  return match ? `${match[2]}://${match[1]}${match[3] ?? '/'}` : url;
}

const net = {
  /** file: URLs as Electron reads them (inside app.asar too); the app fetches nothing else in main. */
  async fetch(input: string | Request): Promise<Response> {
    const url = typeof input === 'string' ? input : input.url;
    if (!url.startsWith('file:')) throw new Error(`stand-in: net.fetch supports file: URLs only, not ${url}`);
    try {
      return new Response(new Uint8Array(readAppFile(fileURLToPath(url))));
    } catch {
      throw new TypeError('net::ERR_FILE_NOT_FOUND');
    }
  },
};

// ─────────────────────────────── session, dialog, shell ───────────────────────────────

const session = {
  defaultSession: {
    requestHandler: null as Parameters<Electron.Session['setPermissionRequestHandler']>[0],
    checkHandler: null as Parameters<Electron.Session['setPermissionCheckHandler']>[0],
    setPermissionRequestHandler(
      handler: Parameters<Electron.Session['setPermissionRequestHandler']>[0],
    ): void {
      this.requestHandler = handler;
    },
    setPermissionCheckHandler(handler: Parameters<Electron.Session['setPermissionCheckHandler']>[0]): void {
      this.checkHandler = handler;
    },
  },
};

const dialog = {
  showErrorBox(title: string, content: string): void {
    report({ type: 'dialog', kind: 'error-box', title, message: content });
  },
  async showMessageBox(
    windowOrOptions: unknown,
    maybeOptions?: Electron.MessageBoxOptions,
  ): Promise<Electron.MessageBoxReturnValue> {
    const options = (maybeOptions ?? windowOrOptions) as Electron.MessageBoxOptions;
    report({
      type: 'dialog',
      kind: 'message-box',
      title: options.title ?? '',
      message: options.message,
      detail: options.detail,
    });
    return { response: 0, checkboxChecked: false };
  },
};

const shell = {
  async openExternal(url: string): Promise<void> {
    report({ type: 'open-external', url });
  },
};

const powerMonitor = new EventEmitter();

// ─────────────────────────────── windows ───────────────────────────────

const windows = new Set<FakeBrowserWindow>();
let nextId = 1;

/** A window's main frame as main sees it: the app's URL, not the mapped one. */
class FakeFrame {
  constructor(private readonly frame: () => Frame | null) {}
  get url(): string {
    return fromChromium(this.frame()?.url() ?? '');
  }
}

class FakeWebContents extends EventEmitter {
  readonly id: number;
  readonly mainFrame: FakeFrame;
  page: Page | null = null;
  destroyed = false;
  windowOpenHandler: ((details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse) | null = null;
  private deliveries: Promise<unknown> = Promise.resolve();

  constructor(id: number) {
    super();
    this.id = id;
    this.mainFrame = new FakeFrame(() => this.page?.mainFrame() ?? null);
  }

  getURL(): string {
    return this.page ? fromChromium(this.page.url()) : '';
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    // Structured clone, as Electron does: what cannot cross throws in main.
    const payload = JSON.stringify(structuredClone(args));
    const page = this.page;
    this.deliveries = this.deliveries
      .then(() =>
        page?.evaluate(
          `globalThis[${JSON.stringify(renderer.deliverName)}]?.(${JSON.stringify(channel)}, ${payload})`,
        ),
      )
      .catch(() => undefined);
  }

  reload(): void {
    void this.page?.reload().catch(() => undefined);
  }

  async executeJavaScript(code: string): Promise<unknown> {
    if (!this.page) throw new Error('stand-in: no page');
    return this.page.evaluate(code);
  }

  setWindowOpenHandler(
    handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse,
  ): void {
    this.windowOpenHandler = handler;
  }
}

class FakeBrowserWindow extends EventEmitter {
  readonly id: number;
  readonly webContents: FakeWebContents;
  private visible = false;
  private destroyed = false;
  private readonly ready: Promise<Page | null>;

  constructor(options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    if (!app.isReady()) throw new Error('Cannot create BrowserWindow before app is ready');
    const prefs = options.webPreferences ?? {};
    // The stand-in's preload host is a sandboxed, isolated preload; anything else it cannot stand for.
    if (prefs.sandbox !== true || prefs.contextIsolation === false || prefs.nodeIntegration === true) {
      throw new Error('stand-in: only sandboxed, context-isolated windows without Node are supported');
    }
    this.id = nextId++;
    this.webContents = new FakeWebContents(this.id);
    windows.add(this);
    this.visible = options.show !== false;
    report({ type: 'window', id: this.id, event: 'created' });
    if (this.visible) report({ type: 'window', id: this.id, event: 'shown' });
    this.ready = renderer.openPage(this, options).catch((error: unknown) => {
      console.error('stand-in: could not open the page', error);
      return null;
    });
  }

  show(): void {
    if (this.destroyed || this.visible) return;
    this.visible = true;
    report({ type: 'window', id: this.id, event: 'shown' });
    this.emit('show');
  }

  hide(): void {
    this.visible = false;
  }

  isVisible(): boolean {
    return this.visible;
  }

  isMinimized(): boolean {
    return false;
  }

  restore(): void {}

  focus(): void {
    report({ type: 'window', id: this.id, event: 'focused' });
    this.emit('focus');
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** The window's close button: `close` (preventable), then destroyed. */
  close(): void {
    if (this.destroyed) return;
    const close = event();
    this.emit('close', close);
    if (!close.defaultPrevented) this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    windows.delete(this);
    void this.ready.then((page) => page?.close().catch(() => undefined));
    report({ type: 'window', id: this.id, event: 'closed' });
    this.emit('closed');
    this.webContents.emit('destroyed');
    app.windowClosed();
  }

  async loadURL(url: string): Promise<void> {
    const page = await this.ready;
    if (!page || this.destroyed) throw new Error('stand-in: the window has no page');
    const target = toChromium(url);
    renderer.expectNavigation(page, target);
    try {
      await page.goto(target, { waitUntil: 'load' });
    } catch (error) {
      const description = (error as Error).message.split('\n')[0] ?? 'failed';
      this.webContents.emit('did-fail-load', event(), -2, description, url, true);
      throw new Error(`ERR_FAILED (-2) loading '${url}': ${description}`, { cause: error });
    }
  }
}

// ─────────────────────────────── Chromium ───────────────────────────────

class RendererHost {
  cdpPort = 0;
  readonly bindingName = `__blockpartyStandIn${Math.random().toString(36).slice(2)}`;
  readonly deliverName = `__blockpartyStandInDeliver${Math.random().toString(36).slice(2)}`;
  private context: BrowserContext | null = null;
  private readonly expected = new WeakMap<Page, string>();

  async start(): Promise<void> {
    // Left to the test to delete: Chromium may still be writing in it while this process exits.
    const profile = mkdtempSync(
      join(ENV['BLOCKPARTY_STAND_IN_PROFILE_DIR'] ?? tmpdir(), 'stand-in-chromium-'),
    );
    this.context = await chromium.launchPersistentContext(profile, {
      executablePath: ENV['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_FLAGS,
      // Signals are the app's business (see installStandIn), not Playwright's.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    for (const page of this.context.pages()) await page.close();
    const [port] = readFileSync(join(profile, 'DevToolsActivePort'), 'utf8').split('\n');
    this.cdpPort = Number(port);
  }

  expectNavigation(page: Page, url: string): void {
    this.expected.set(page, url);
  }

  async openPage(
    window: FakeBrowserWindow,
    options: Electron.BrowserWindowConstructorOptions,
  ): Promise<Page> {
    if (!this.context) throw new Error('stand-in: Chromium is not running');
    const page = await this.context.newPage();
    const contents = window.webContents;
    contents.page = page;
    await page.setViewportSize({ width: options.width ?? 800, height: options.height ?? 600 });
    page.on('console', (message) => process.stderr.write(`[renderer ${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => report({ type: 'renderer-error', message: error.message }));
    page.on('crash', () => contents.emit('render-process-gone', event(), { reason: 'crashed', exitCode: 1 }));
    let shown = false;
    page.on('domcontentloaded', () => {
      if (shown || ENV['BLOCKPARTY_STAND_IN_NO_READY_TO_SHOW'] === '1') return;
      shown = true;
      window.emit('ready-to-show', event());
    });
    page.on('load', () => contents.emit('did-finish-load', event()));
    page.on('popup', (popup) => {
      const url = fromChromium(popup.url());
      const answer = contents.windowOpenHandler?.({
        url,
        frameName: '',
        features: '',
        disposition: 'new-window',
        referrer: { url: contents.getURL(), policy: 'strict-origin-when-cross-origin' },
      }) ?? { action: 'allow' };
      if (answer.action === 'deny') void popup.close().catch(() => undefined);
    });

    await page.exposeBinding(this.bindingName, (source, message: RendererMessage) =>
      this.fromRenderer(window, source.frame, message),
    );
    await page.addInitScript({ content: this.preloadScript(window, options.webPreferences?.preload) });
    await page.route('**/*', (route) => this.route(window, page, route));
    return page;
  }

  /**
   * The page's script: the host, and the preload wrapped as a CommonJS function. A preload that
   * does not even compile (built as ESM, say) is reported as Electron does and left out.
   */
  private preloadScript(window: FakeBrowserWindow, preloadPath: string | undefined): string {
    const host = readFileSync(new URL('./preload-host.js', import.meta.url), 'utf8')
      .trim()
      .replace(/;$/, '');
    const config = {
      binding: this.bindingName,
      deliver: this.deliverName,
      preloadPath: preloadPath ?? '',
      platform: process.platform,
      versions: { electron: process.versions['electron'], chrome: 'stand-in', node: process.versions.node },
    };
    let preload = '';
    if (preloadPath) {
      try {
        preload = readAppFile(preloadPath).toString('utf8');
        const wrapped = `(function (require, module, exports, __filename, process) {\n${preload}\n})`;
        new Script(wrapped, { filename: preloadPath });
      } catch (error) {
        this.preloadFailed(window, preloadPath, error as Error);
        preload = '';
      }
    }
    return `${host}(${JSON.stringify(config)}, function (require, module, exports, __filename, process) {\n${preload}\n});`;
  }

  private preloadFailed(window: FakeBrowserWindow, preloadPath: string, error: Error): void {
    report({ type: 'preload-error', message: error.message });
    // After the page exists, so main's listener (added after `new BrowserWindow`) hears it.
    setImmediate(() => window.webContents.emit('preload-error', event(), preloadPath, error));
  }

  private async fromRenderer(
    window: FakeBrowserWindow,
    frame: Frame,
    message: RendererMessage,
  ): Promise<unknown> {
    const contents = window.webContents;
    if (message.kind === 'preload-ran') {
      report({ type: 'preload-ran', id: window.id });
      return {};
    }
    if (message.kind === 'preload-error') {
      const error = Object.assign(new Error(message.message), { stack: message.stack });
      this.preloadFailed(window, '(preload)', error);
      return {};
    }
    const ipcEvent = {
      ...event(),
      type: 'frame',
      sender: contents,
      senderFrame: frame === contents.page?.mainFrame() ? contents.mainFrame : new FakeFrame(() => frame),
      frameId: 1,
      processId: 1,
    } as unknown as Electron.IpcMainInvokeEvent; // the members main reads, with the stand-in's own objects
    if (message.kind === 'send') {
      ipcMain.emit(message.channel, ipcEvent, ...message.args);
      return {};
    }
    const handler = ipcMain.handlers.get(message.channel);
    if (!handler) return { error: `Error: No handler registered for '${message.channel}'` };
    try {
      return { value: structuredClone(await handler(ipcEvent, ...message.args)) };
    } catch (error) {
      return { error: `Error: ${(error as Error).message}` };
    }
  }

  private async route(window: FakeBrowserWindow, page: Page, route: Route): Promise<void> {
    const request = route.request();
    const chromiumUrl = request.url();
    const url = fromChromium(chromiumUrl);
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      if (this.expected.get(page) === chromiumUrl) {
        this.expected.delete(page);
      } else {
        const navigation = event({ url, isMainFrame: true, isSameDocument: false });
        window.webContents.emit('will-navigate', navigation, url);
        if (navigation.defaultPrevented) {
          report({ type: 'navigation-blocked', url });
          return route.abort('aborted');
        }
      }
    }
    if (url === chromiumUrl) return route.continue();
    const handler = protocolHandlers.get(new URL(url).protocol.slice(0, -1));
    if (!handler) return route.abort('failed');
    try {
      const response = await handler(new Request(url, { method: request.method() }));
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      await route.fulfill({
        status: response.status,
        headers,
        body: Buffer.from(await response.arrayBuffer()),
      });
    } catch (error) {
      console.error(`stand-in: the ${url} handler failed`, error);
      await route.abort('failed');
    }
  }
}

type RendererMessage =
  | { kind: 'invoke'; channel: string; args: unknown[] }
  | { kind: 'send'; channel: string; args: unknown[] }
  | { kind: 'preload-ran' }
  | { kind: 'preload-error'; message: string; stack: string };

const renderer = new RendererHost();
const app = new FakeApp();
const ipcMain = new FakeIpcMain();

/** The fake `electron` module: what `import … from 'electron'` gives the app's main process. */
export const electron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  dialog,
  ipcMain,
  net,
  powerMonitor,
  protocol,
  session,
  shell,
} satisfies StandInExports;

/** Sets the stand-in up for one app: packaged or not, errors reported, commands from the test obeyed. */
export function installStandIn(): void {
  app.isPackaged = packaged;
  // Electron shows an uncaught exception in main as a dialog and goes on; the test must hear of it.
  process.on('uncaughtException', (error) => {
    console.error('Uncaught exception in main:', error);
    report({ type: 'main-error', message: error.stack ?? error.message });
  });
  process.on('unhandledRejection', (reason) => {
    console.error('Unhandled rejection in main:', reason);
    report({ type: 'main-error', message: String((reason as Error)?.stack ?? reason) });
  });
  // Electron's main process quits on SIGTERM/SIGINT as on app.quit().
  process.on('SIGTERM', () => app.quit());
  process.on('SIGINT', () => app.quit());
  const commands = createInterface({ input: process.stdin });
  commands.on('line', (line) => {
    if (line.trim() !== '') obey(JSON.parse(line) as StandInCommand);
  });
  // stdin must not keep a finished app alive: the app ends by app.quit()/exit() only.
  (process.stdin as unknown as { unref?: () => void }).unref?.();
}

function obey(command: StandInCommand): void {
  const first = windows.values().next().value;
  switch (command.type) {
    case 'menu-quit':
      // The default application menu's Quit item (role 'quit'), which is app.quit().
      return app.quit();
    case 'close-window':
      return first?.close();
    case 'os-shutdown':
      return void app.osShutdown();
    case 'session-end':
      return app.sessionEnd();
  }
}

/** Runs `ready` once main's top level has run. */
export function becomeReady(): Promise<void> {
  return app.becomeReady();
}
