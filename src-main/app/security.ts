import { shell } from 'electron';
import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../shared/security.ts';

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

/** Where our page lives: the dev server in `electron-vite dev`, the built index.html otherwise. */
export type PageLocation = { devServerUrl: string } | { fileUrl: string };

/** Whether a URL is our page (query and hash ignored: the router lives in the hash). */
export function createOurUrlCheck(page: PageLocation): (url: string) => boolean {
  if ('devServerUrl' in page) {
    const origin = new URL(page.devServerUrl).origin;
    return (url) => {
      try {
        return new URL(url).origin === origin;
      } catch {
        return false;
      }
    };
  }
  // file: URLs have an opaque origin, so compare the document itself.
  const expected = withoutQueryAndHash(page.fileUrl);
  return (url) => withoutQueryAndHash(url) === expected;
}

function withoutQueryAndHash(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.search = '';
    parsed.hash = '';
    return parsed.href;
  } catch {
    return '';
  }
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
 * the dashboard needs nothing else, and a page that asks is not ours. Adds the CSP header to our page's responses when `csp` is true (the built
 * app; the dev server needs Vite's inline scripts and websocket).
 */
export function guardSession(
  session: Session,
  options: { csp: boolean; isOurUrl: (url: string) => boolean },
): void {
  // Copy buttons use navigator.clipboard, which Chromium asks this permission for, on our page only.
  const allowed = (contents: WebContents | null, permission: string): boolean =>
    permission === 'clipboard-sanitized-write' && contents !== null && options.isOurUrl(contents.getURL());
  session.setPermissionRequestHandler((contents, permission, callback) =>
    callback(allowed(contents, permission)),
  );
  session.setPermissionCheckHandler((contents, permission) => allowed(contents, permission));
  if (options.csp) {
    session.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
      });
    });
  }
}
