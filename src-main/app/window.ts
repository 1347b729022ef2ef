import { BrowserWindow } from 'electron';
import type { WebPreferences } from 'electron';
import { WINDOW_API_KEY } from '../shared/api.ts';
import { guardWebContents } from './security.ts';
import type { PageLocation } from './security.ts';

/**
 * The web preferences of every window: the page gets no Node, runs sandboxed in its own world, and
 * talks to main only through the preload's `window.api`.
 */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
} as const satisfies WebPreferences);

/** What the main window needs. */
export interface MainWindowOptions {
  /** Absolute path of the built preload (`out/preload/index.cjs`). */
  preload: string;
  page: PageLocation;
  isOurUrl(url: string): boolean;
  /** The window icon on Linux/Windows (macOS takes the bundle's). */
  icon?: string;
  /**
   * Called once per window when the preload failed (it threw, or `window.api` is missing on our
   * page): the dashboard cannot reach the node, so the person must be told. Main logs it first.
   */
  onPreloadFailure?: (detail: string) => void;
  /** How long to wait for `ready-to-show` before showing the window anyway (default 3 s). */
  showFallbackMs?: number;
}

/** `ready-to-show` has been reported missing (Windows): the window is shown after this at the latest. */
export const SHOW_FALLBACK_MS = 3000;

/** Opens the dashboard window with the secure defaults and the navigation guards. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Blockparty',
    icon: options.icon,
    autoHideMenuBar: true,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: options.preload },
  });
  guardWebContents(window.webContents, options.isOurUrl);
  // Shown once painted, so the projector never shows a white flash; but shown in any case after a
  // few seconds, never an invisible app.
  const showOnce = (): void => {
    clearTimeout(fallback);
    if (!window.isDestroyed() && !window.isVisible()) window.show();
  };
  const fallback = setTimeout(showOnce, options.showFallbackMs ?? SHOW_FALLBACK_MS);
  window.once('ready-to-show', showOnce);
  window.once('closed', () => clearTimeout(fallback));
  // A page that fails to load is shown anyway (never an invisible window); a crashed page reloads.
  window.webContents.on('did-fail-load', (_event, code, description) => {
    console.error(`The dashboard failed to load (${code}): ${description}`);
    showOnce();
  });
  watchPreload(window, options);
  window.webContents.on('render-process-gone', (_event, details) => {
    console.error(`The dashboard's renderer stopped (${details.reason}); reloading it`);
    if (details.reason !== 'clean-exit' && !window.isDestroyed()) window.webContents.reload();
  });
  // A failed load is reported by did-fail-load above; the promise's rejection says nothing more.
  window
    .loadURL('devServerUrl' in options.page ? options.page.devServerUrl : options.page.appUrl)
    .catch(() => undefined);
  return window;
}

/**
 * A preload that throws or never runs leaves the page without `window.api`: the dashboard would wait
 * for the node forever. Electron reports a throw as `preload-error`; a preload that ran but exposed
 * nothing is caught by looking for `window.api` once our page has loaded.
 */
function watchPreload(window: BrowserWindow, options: MainWindowOptions): void {
  let reported = false;
  const report = (detail: string): void => {
    if (reported) return;
    reported = true;
    console.error(`The dashboard's preload failed: ${detail}`);
    options.onPreloadFailure?.(detail);
  };
  window.webContents.on('preload-error', (_event, preloadPath, error) => {
    report(`${preloadPath}: ${error.message}`);
  });
  window.webContents.on('did-finish-load', () => {
    const contents = window.webContents;
    if (contents.isDestroyed() || !options.isOurUrl(contents.getURL())) return;
    contents
      .executeJavaScript(`typeof window[${JSON.stringify(WINDOW_API_KEY)}] === 'object'`)
      .then((present: unknown) => {
        if (present !== true) report(`window.${WINDOW_API_KEY} is missing on ${contents.getURL()}`);
      })
      .catch(() => undefined);
  });
}
