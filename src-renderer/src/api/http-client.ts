import { CONTROL_EVENTS_PATH, EVENT_NAMES, OPERATION_NAMES, controlOperationPath } from '@shared/api';
import type { DashboardEvents, EventName, OperationName } from '@shared/api';
import { createSseParser } from './sse';
import type { ClientError, ClientResult, ConnectionState, DashboardClient } from './types';

/** What the HTTP client needs from its surroundings (injectable for tests). */
export interface HttpClientOptions {
  /** Origin of the control API, e.g. `http://127.0.0.1:7123` (the page's own origin). */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Milliseconds before an ordinary call gives up (mining waits as long as it takes). */
  timeoutMs?: number;
  /** Waits before reopening a lost event stream: the first, doubling up to the longest (with jitter). */
  reconnectMs?: { first: number; max: number };
  /**
   * A stream silent this long is presumed dead (a laptop that slept, a half-open connection) and
   * reopened. The node writes a keep-alive comment every 15 s.
   */
  silenceMs?: number;
}

/** The HTTP client, plus a way to stop its event stream (tests, and a page being torn down). */
export type HttpDashboardClient = DashboardClient & { close(): void };

/** Operations that may legitimately run for a long time. */
const SLOW_OPERATIONS: ReadonlySet<OperationName> = new Set(['mine', 'resolve', 'refreshPeers', 'addPeers']);
const KNOWN_EVENTS: ReadonlySet<string> = new Set(EVENT_NAMES);

/**
 * Talks to the headless node's loopback control API: `POST /api/x` and the event stream, both with
 * `Authorization: Bearer`. The stream is read with `fetch()` rather than EventSource, which cannot
 * send that header: the token then never sits in a URL or a cookie, a refused token is told apart
 * from a node that is down, and a silent connection is noticed and reopened. Lost streams are
 * reopened forever, so a tab outlives a restart of its node (same port and token).
 */
export function createHttpClient(options: HttpClientOptions): HttpDashboardClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const reconnect = options.reconnectMs ?? { first: 500, max: 3000 };
  const silenceMs = options.silenceMs ?? 45_000;
  const authorization = `Bearer ${options.token}`;
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let streaming = false;
  let closed = false;
  let stream: AbortController | null = null;
  let wake: (() => void) | null = null;

  async function call(name: OperationName, input?: unknown): Promise<ClientResult<unknown>> {
    const timeout = SLOW_OPERATIONS.has(name) ? (name === 'mine' ? 0 : 120_000) : timeoutMs;
    const controller = new AbortController();
    const timer = timeout > 0 ? setTimeout(() => controller.abort(), timeout) : null;
    try {
      const response = await doFetch(options.baseUrl + controlOperationPath(name), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: authorization },
        body: JSON.stringify(input ?? {}),
        signal: controller.signal,
      });
      // The node answers again: no need to wait out the stream's reconnect delay.
      if (state === 'lost') wake?.();
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return failure({ code: 'bad-answer', message: `HTTP ${response.status}: ${text.slice(0, 200)}` });
      }
      if (isResult(body)) return body;
      return failure({ code: 'bad-answer', message: `HTTP ${response.status}: unexpected answer` });
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

  function dispatch(event: string, data: string): void {
    if (!KNOWN_EVENTS.has(event)) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    for (const listener of listeners.get(event as EventName) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        // A bug in a store must not tear the stream down: report it where bugs are shown (main.ts).
        void Promise.reject(error);
      }
    }
  }

  /** One connection of the stream: resolves when it ends, however it ends; true if it opened. */
  async function readStream(): Promise<boolean> {
    const controller = new AbortController();
    stream = controller;
    let silence: ReturnType<typeof setTimeout> | null = null;
    let opened = false;
    const heard = (): void => {
      if (silence) clearTimeout(silence);
      silence = setTimeout(() => controller.abort(), silenceMs);
    };
    try {
      heard();
      const response = await doFetch(options.baseUrl + CONTROL_EVENTS_PATH, {
        headers: { Accept: 'text/event-stream', Authorization: authorization },
        cache: 'no-store',
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        return false;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = createSseParser((message) => dispatch(message.event, message.data));
      heard();
      opened = true;
      setState('open');
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        heard();
        parser.push(decoder.decode(value, { stream: true }));
      }
    } catch {
      // The node stopped, restarted or went silent: the loop reopens the stream.
      return opened;
    } finally {
      if (silence) clearTimeout(silence);
      controller.abort();
      stream = null;
    }
  }

  async function runStream(): Promise<void> {
    let failures = 0;
    while (!closed) {
      const opened = await readStream();
      if (closed) return;
      // A stream that was open reconnects soon; one that keeps failing waits longer, up to the max.
      failures = opened ? 0 : failures + 1;
      setState('lost');
      const base = Math.min(reconnect.max, reconnect.first * 2 ** failures);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, base * (0.75 + Math.random() * 0.25));
        wake = () => {
          clearTimeout(timer);
          done();
        };
      });
      wake = null;
    }
  }

  function connect(): void {
    if (streaming || closed) return;
    streaming = true;
    void runStream();
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
    close(): void {
      closed = true;
      stream?.abort();
      wake?.();
    },
  };
  return client as unknown as HttpDashboardClient;
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
