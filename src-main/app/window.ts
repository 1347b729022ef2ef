import { BrowserWindow } from 'electron';
import type { WebPreferences } from 'electron';
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
}

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
  // Shown once painted, so the projector never shows a white flash.
  window.once('ready-to-show', () => window.show());
  // A page that fails to load is shown anyway (never an invisible window); a crashed page reloads.
  window.webContents.on('did-fail-load', (_event, code, description) => {
    console.error(`The dashboard failed to load (${code}): ${description}`);
    if (!window.isVisible()) window.show();
  });
  window.webContents.on('render-process-gone', (_event, details) => {
    console.error(`The dashboard's renderer stopped (${details.reason}); reloading it`);
    if (details.reason !== 'clean-exit' && !window.isDestroyed()) window.webContents.reload();
  });
  if ('devServerUrl' in options.page) void window.loadURL(options.page.devServerUrl);
  else void window.loadURL(options.page.fileUrl);
  return window;
}
