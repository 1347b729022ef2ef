import { CONTROL_TOKEN_PARAM } from '@shared/api';
import { createHttpClient } from './http-client';
import { createIpcClient } from './ipc-client';
import type { DashboardClient } from './types';

export type { ClientError, ClientResult, ConnectionState, DashboardClient } from './types';

/** Where a browser tab keeps its node's token: sessionStorage, which belongs to this origin and this tab. */
export const TOKEN_STORAGE_KEY = 'blockparty-token';

let current: DashboardClient | null = null;

/** Picks the transport: `window.api` (Electron preload) when present, else HTTP with the page's token. */
export function createDashboardClient(win: Window = window): DashboardClient {
  if (win.api) return createIpcClient(win.api);
  return createHttpClient({ baseUrl: new URL(win.location.href).origin, token: takeDashboardToken(win) });
}

/**
 * The control API's token for this tab. The node prints `/?token=…`: the page reads it once, keeps it
 * in sessionStorage (reloads, and a reopened tab, find it there; other ports and other tabs cannot)
 * and removes it from the address bar, so it is not in the history, a bookmark or a screen share.
 * It never goes in a cookie: cookies ignore ports, so every server on 127.0.0.1 would receive it.
 */
export function takeDashboardToken(win: Window = window): string {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get(CONTROL_TOKEN_PARAM);
  if (fromUrl === null) return readStored(win) ?? '';
  let kept = false;
  try {
    win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    kept = win.sessionStorage.getItem(TOKEN_STORAGE_KEY) === fromUrl;
  } catch {
    // Storage may be disabled: then the URL is the only place the token survives a reload.
  }
  if (kept) {
    url.searchParams.delete(CONTROL_TOKEN_PARAM);
    try {
      win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    } catch {
      // Leaving the token in the URL is harmless on loopback; the page still works.
    }
  }
  return fromUrl;
}

function readStored(win: Window): string | null {
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Installs the client the stores use (the app at start-up, tests with a fake). */
export function setDashboardClient(client: DashboardClient | null): void {
  current = client;
}

/** The client the stores talk to. */
export function useDashboardClient(): DashboardClient {
  if (!current) throw new Error('No dashboard client: call setDashboardClient() first');
  return current;
}

/** Runs `callback` each time the event stream (re)opens: the moment to fetch a fresh snapshot. */
export function onOpen(client: DashboardClient, callback: () => void): () => void {
  let previous: string | null = null;
  return client.onConnection((state) => {
    if (state === 'open' && previous !== 'open') callback();
    previous = state;
  });
}
