import { shell } from 'electron';
import type { Session, WebContents } from 'electron';
import { isAppUrl } from './protocol.ts';

/** Whether a link may leave the app for the system browser: http(s) only, never file:, javascript:, custom schemes. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The only way the app opens a URL outside itself. */
export async function openExternalSafely(url: string): Promise<boolean> {
  if (!isSafeExternalUrl(url)) return false;
  await shell.openExternal(url);
  return true;
}

/** Where our page lives: the dev server in `electron-vite dev`, `app://blockparty/` otherwise. */
export type PageLocation = { devServerUrl: string } | { appUrl: string };

/** Whether a URL is our page (path, query and hash aside: the router lives in the hash). */
export function createOurUrlCheck(page: PageLocation): (url: string) => boolean {
  if ('appUrl' in page) return isAppUrl;
  const origin = new URL(page.devServerUrl).origin;
  return (url) => {
    try {
      return new URL(url).origin === origin;
    } catch {
      return false;
    }
  };
}

/**
 * Keeps a webContents on our page: navigation elsewhere is cancelled, window.open is denied (http(s)
 * links go to the system browser instead), and <webview> cannot be attached.
 */
export function guardWebContents(contents: WebContents, isOurUrl: (url: string) => boolean): void {
  contents.on('will-navigate', (event) => {
    if (!isOurUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isOurUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(url);
    return { action: 'deny' };
  });
}

/**
 * Denies every permission (camera, notifications, geolocation…) but clipboard writes from our page:
 * the dashboard needs nothing else, and a page that asks is not ours. (The CSP comes with each
 * response of the `app:` protocol handler.)
 */
export function guardSession(session: Session, options: { isOurUrl: (url: string) => boolean }): void {
  // Copy buttons use navigator.clipboard, which Chromium asks this permission for, on our page only.
  const allowed = (contents: WebContents | null, permission: string): boolean =>
    permission === 'clipboard-sanitized-write' && contents !== null && options.isOurUrl(contents.getURL());
  session.setPermissionRequestHandler((contents, permission, callback) =>
    callback(allowed(contents, permission)),
  );
  session.setPermissionCheckHandler((contents, permission) => allowed(contents, permission));
}
