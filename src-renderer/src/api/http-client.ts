import {
  CONTROL_EVENTS_PATH,
  CONTROL_TOKEN_PARAM,
  EVENT_NAMES,
  OPERATION_NAMES,
  controlOperationPath,
} from '@shared/api';
import type { DashboardEvents, EventName, OperationName } from '@shared/api';
import type { ClientError, ClientResult, ConnectionState, DashboardClient } from './types';

/** What the HTTP client needs from its surroundings (injectable for tests). */
export interface HttpClientOptions {
  /** Origin of the control API, e.g. `http://127.0.0.1:7123` (the page's own origin). */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
  /** Milliseconds before an ordinary call gives up (mining waits as long as it takes). */
  timeoutMs?: number;
}

/** Operations that may legitimately run for a long time. */
const SLOW_OPERATIONS: ReadonlySet<OperationName> = new Set(['mine', 'resolve', 'refreshPeers', 'addPeers']);

/** Talks to the headless node's loopback control API: `POST /api/x` and server-sent events. */
export function createHttpClient(options: HttpClientOptions): DashboardClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let source: EventSource | null = null;
  let state: ConnectionState = 'connecting';
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  async function call(name: OperationName, input?: unknown): Promise<ClientResult<unknown>> {
    const timeout = SLOW_OPERATIONS.has(name) ? (name === 'mine' ? 0 : 120_000) : timeoutMs;
    const controller = new AbortController();
    const timer = timeout > 0 ? setTimeout(() => controller.abort(), timeout) : null;
    try {
      const response = await doFetch(options.baseUrl + controlOperationPath(name), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
        body: JSON.stringify(input ?? {}),
        signal: controller.signal,
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return failure({ code: 'node-error', message: `HTTP ${response.status}: ${text.slice(0, 200)}` });
      }
      if (isResult(body)) return body;
      return failure({ code: 'node-error', message: `HTTP ${response.status}: unexpected answer` });
    } catch (error) {
      if (controller.signal.aborted) return failure({ code: 'timeout', message: 'timeout' });
      return failure({ code: 'network', message: error instanceof Error ? error.message : String(error) });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of connectionListeners) listener(next);
  }

  function connect(): void {
    if (source || !EventSourceImpl) return;
    const url = `${options.baseUrl}${CONTROL_EVENTS_PATH}?${CONTROL_TOKEN_PARAM}=${encodeURIComponent(options.token)}`;
    const es = new EventSourceImpl(url);
    source = es;
    es.onopen = () => setState('open');
    es.onerror = () => {
      setState('lost');
      // EventSource retries by itself unless the server refused it outright; then retry by hand.
      if (es.readyState === 2) {
        es.close();
        source = null;
        retryTimer ??= setTimeout(() => {
          retryTimer = null;
          connect();
        }, 2000);
      }
    };
    for (const event of EVENT_NAMES) {
      es.addEventListener(event, (message: MessageEvent<string>) => {
        let payload: unknown;
        try {
          payload = JSON.parse(message.data);
        } catch {
          return;
        }
        for (const listener of listeners.get(event) ?? []) listener(payload);
      });
    }
  }

  const operations = Object.fromEntries(
    OPERATION_NAMES.map((name) => [name, (input?: unknown) => call(name, input)]),
  );

  const client = {
    ...operations,
    transport: 'http' as const,
    on<K extends EventName>(event: K, listener: (payload: DashboardEvents[K]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      connect();
      return () => set.delete(wrapped);
    },
    onConnection(listener: (next: ConnectionState) => void): () => void {
      connectionListeners.add(listener);
      connect();
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
  return client as unknown as DashboardClient;
}

function failure(error: ClientError): ClientResult<never> {
  return { ok: false, error };
}

function isResult(body: unknown): body is ClientResult<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  const candidate = body as { ok: unknown; error?: unknown };
  if (candidate.ok === true) return 'value' in candidate;
  return candidate.ok === false && typeof candidate.error === 'object' && candidate.error !== null;
}
