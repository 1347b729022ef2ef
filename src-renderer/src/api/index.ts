import { CONTROL_TOKEN_PARAM } from '@shared/api';
import { createHttpClient } from './http-client';
import { createIpcClient } from './ipc-client';
import type { DashboardClient } from './types';

export type { ClientError, ClientResult, ConnectionState, DashboardClient } from './types';

let current: DashboardClient | null = null;

/** Picks the transport: `window.api` (Electron preload) when present, else HTTP with the URL's token. */
export function createDashboardClient(win: Window = window): DashboardClient {
  if (win.api) return createIpcClient(win.api);
  const url = new URL(win.location.href);
  let token = url.searchParams.get(CONTROL_TOKEN_PARAM) ?? '';
  // Keep the token for reloads of this tab even if someone trims the URL.
  try {
    if (token) win.sessionStorage.setItem('blockparty-token', token);
    else token = win.sessionStorage.getItem('blockparty-token') ?? '';
  } catch {
    // Storage may be disabled; the URL is enough.
  }
  return createHttpClient({ baseUrl: url.origin, token });
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
