// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpClient } from '@renderer/api/http-client';
import type { HttpDashboardClient } from '@renderer/api/http-client';
import { createIpcClient } from '@renderer/api/ipc-client';
import { createSseParser } from '@renderer/api/sse';
import type { SseMessage } from '@renderer/api/sse';
import { createDashboardClient, onOpen, takeDashboardToken, TOKEN_STORAGE_KEY } from '@renderer/api';
import type { WindowApi } from '@shared/window-api';

/** One response of the event stream, written by the test; it errors when the client aborts it. */
interface FakeStream {
  url: string;
  init: RequestInit;
  send(text: string): void;
  end(): void;
  aborted: boolean;
}

/** A fetch whose `/api/events` answers are streams the test drives, and whose other answers are `answer`. */
function streamingFetch(
  answer: (url: string) => { status: number; body?: string } = () => ({ status: 200 }),
) {
  const streams: FakeStream[] = [];
  const waiting: ((stream: FakeStream) => void)[] = [];
  const encoder = new TextEncoder();
  const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    if (!url.endsWith('/api/events')) {
      return new Response(answer(url).body ?? '{"ok":true,"value":null}', { status: answer(url).status });
    }
    const { status } = answer(url);
    if (status !== 200) return { ok: false, status, body: null } as unknown as Response;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const stream: FakeStream = {
      url,
      init,
      aborted: false,
      send: (text) => controller.enqueue(encoder.encode(text)),
      end: () => controller.close(),
    };
    init.signal?.addEventListener('abort', () => {
      stream.aborted = true;
      try {
        controller.error(new DOMException('aborted', 'AbortError'));
      } catch {
        // Already closed.
      }
    });
    streams.push(stream);
    for (const resolve of waiting.splice(0)) resolve(stream);
    return { ok: true, status: 200, body } as unknown as Response;
  });
  /** The n-th stream (0-based) once the client has opened it. */
  const stream = (n: number): Promise<FakeStream> =>
    streams[n]
      ? Promise.resolve(streams[n]!)
      : new Promise((resolve) => {
          const check = (): void => (streams[n] ? resolve(streams[n]!) : void waiting.push(check));
          waiting.push(check);
        });
  return { fetch, streams, stream };
}

/** Resolves once `predicate` holds, checking after every macrotask; fails after `ms`. */
async function until(predicate: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

let clients: HttpDashboardClient[] = [];
afterEach(() => {
  for (const client of clients) client.close();
  clients = [];
});
function client(options: Parameters<typeof createHttpClient>[0]): HttpDashboardClient {
  const made = createHttpClient(options);
  clients.push(made);
  return made;
}

describe('HTTP client', () => {
  it('posts each operation with the bearer token and returns the Result body', async () => {
    const fetch = vi.fn(
      async () => new Response(JSON.stringify({ ok: true, value: { count: 1 } }), { status: 200 }),
    );
    const http = client({ baseUrl: 'http://127.0.0.1:9', token: 'secret', fetch });
    const result = await http.submitTransaction({ sender: 'a', recipient: 'b', amount: '1.0' });
    expect(result).toEqual({ ok: true, value: { count: 1 } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:9/api/submitTransaction');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer secret');
    expect(JSON.parse(init.body as string)).toEqual({ sender: 'a', recipient: 'b', amount: '1.0' });
  });

  it('passes error Results through and turns transport failures into errors people can act on', async () => {
    const refusal = { ok: false, error: { code: 'invalid-transaction', message: 'amount', field: 'amount' } };
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(new Response(JSON.stringify(refusal), { status: 400 }))
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(new Response('<html>oops</html>', { status: 502 }));
    const http = client({ baseUrl: '', token: 't', fetch });
    expect(await http.pending()).toEqual(refusal);
    expect(await http.pending()).toMatchObject({ ok: false, error: { code: 'network' } });
    expect(await http.pending()).toMatchObject({ ok: false, error: { code: 'bad-answer' } });
  });

  it('streams events with the token in a header, never in the URL, and reports the connection', async () => {
    const { fetch, stream } = streamingFetch();
    const http = client({ baseUrl: 'http://h:1', token: 'a b', fetch, reconnectMs: { first: 1, max: 2 } });
    const states: string[] = [];
    http.onConnection((state) => states.push(state));
    const seen: unknown[] = [];
    const off = http.on('chain', (payload) => seen.push(payload));
    const first = await stream(0);
    expect(first.url).toBe('http://h:1/api/events');
    expect((first.init.headers as Record<string, string>).Authorization).toBe('Bearer a b');
    expect(first.init.credentials).toBeUndefined();
    first.send('retry: 2000\n: connected\n\n');
    first.send('event: chain\ndata: {"height":2,');
    first.send('"reason":"mined"}\n\nevent: nonsense\ndata: {}\n\nevent: chain\ndata: {broken\n\n');
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ height: 2, reason: 'mined' }]);
    off();
    first.send('event: chain\ndata: {"height":3,"reason":"mined"}\n\n');
    first.end();
    await until(() => states.includes('lost'));
    expect(seen).toHaveLength(1);
    expect(states.slice(0, 3)).toEqual(['connecting', 'open', 'lost']);
  });

  it('reopens a lost stream by itself and says so, so stores fetch a fresh snapshot', async () => {
    const { fetch, stream } = streamingFetch();
    const http = client({ baseUrl: '', token: 't', fetch, reconnectMs: { first: 1, max: 2 } });
    const states: string[] = [];
    http.onConnection((state) => states.push(state));
    let snapshots = 0;
    onOpen(http, () => snapshots++);
    const heights: number[] = [];
    http.on('chain', (event) => heights.push(event.height));
    (await stream(0)).send(': connected\n\n');
    await until(() => snapshots === 1);
    // The node stops: its server ends the stream.
    (await stream(0)).end();
    const second = await stream(1);
    second.send('event: chain\r\ndata: {"height":7,"reason":"mined"}\r\n\r\n');
    await until(() => heights.length === 1);
    expect(heights).toEqual([7]);
    expect(snapshots).toBe(2);
    expect(states).toEqual(['connecting', 'open', 'lost', 'open']);
  });

  it('keeps trying while the node is down or refuses the token', async () => {
    let status = 503;
    const { fetch, stream } = streamingFetch(() => ({ status }));
    const http = client({ baseUrl: '', token: 't', fetch, reconnectMs: { first: 2, max: 8 } });
    const states: string[] = [];
    http.onConnection((state) => states.push(state));
    await until(() => fetch.mock.calls.length >= 3);
    status = 401;
    await until(() => fetch.mock.calls.length >= 5);
    expect(states).toEqual(['connecting', 'lost']);
    status = 200;
    await stream(0);
    await until(() => states.at(-1) === 'open');
  });

  it('reopens a stream that went silent (a laptop that slept, a half-open connection)', async () => {
    const { fetch, stream } = streamingFetch();
    const http = client({ baseUrl: '', token: 't', fetch, silenceMs: 30, reconnectMs: { first: 1, max: 2 } });
    const states: string[] = [];
    http.onConnection((state) => states.push(state));
    const first = await stream(0);
    first.send(': connected\n\n');
    const second = await stream(1);
    expect(first.aborted).toBe(true);
    second.send(': connected\n\n');
    await until(() => states.at(-1) === 'open');
    expect(states).toEqual(['connecting', 'open', 'lost', 'open']);
  });

  it('stops for good when closed', async () => {
    const { fetch, stream, streams } = streamingFetch();
    const http = client({ baseUrl: '', token: 't', fetch, reconnectMs: { first: 1, max: 1 } });
    http.on('chain', () => {});
    const first = await stream(0);
    http.close();
    expect(first.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(streams).toHaveLength(1);
  });
});

describe('server-sent event parser', () => {
  it('follows the EventSource rules across any split of the text', () => {
    const text =
      'retry: 2000\n: connected\n\nevent: status\ndata: {"a":1}\n\n' +
      'event:chain\r\ndata: line one\r\ndata:line two\r\n\r\n' +
      'data\n\n: ping\n\nevent: lonely\n\nevent: x\rdata: cr only\r\r';
    const expected: SseMessage[] = [
      { event: 'status', data: '{"a":1}' },
      { event: 'chain', data: 'line one\nline two' },
      { event: 'message', data: '' },
      { event: 'x', data: 'cr only' },
    ];
    for (let size = 1; size <= text.length; size++) {
      const seen: SseMessage[] = [];
      const parser = createSseParser((message) => seen.push(message));
      for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size));
      parser.push('\n');
      expect(seen, `chunks of ${size}`).toEqual(expected);
    }
  });
});

describe('IPC client', () => {
  it('calls window.api and turns a rejected call into an internal error', async () => {
    const windowApi = {
      status: vi.fn(async () => ({ ok: true, value: 1 })),
      pending: vi.fn(async () => {
        throw new Error('boom');
      }),
      onChain: vi.fn(() => () => {}),
    } as unknown as WindowApi;
    const ipc = createIpcClient(windowApi);
    expect(await ipc.status()).toEqual({ ok: true, value: 1 });
    expect(await ipc.pending()).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    const listener = () => {};
    ipc.on('chain', listener);
    expect(windowApi.onChain).toHaveBeenCalledWith(listener);
  });
});

describe('transport choice and the token', () => {
  /** A window at `href` with real sessionStorage semantics and a recorded history. */
  function fakeWindow(href: string, storage: Storage | null = window.sessionStorage) {
    const replaced: string[] = [];
    const win = {
      location: new URL(href),
      get sessionStorage(): Storage {
        if (!storage) throw new DOMException('denied', 'SecurityError');
        return storage;
      },
      history: {
        state: { router: 1 },
        replaceState: (_state: unknown, _title: string, url: string) => replaced.push(url),
      },
    } as unknown as Window;
    return { win, replaced };
  }

  afterEach(() => window.sessionStorage.clear());

  it('uses window.api when the preload is there, else HTTP', () => {
    const withPreload = {
      api: { onChain: () => () => {} },
      location: new URL('file:///x/index.html'),
    } as unknown as Window;
    expect(createDashboardClient(withPreload).transport).toBe('ipc');
    const { win } = fakeWindow('http://127.0.0.1:7000/?token=abc#/chain');
    const http = createDashboardClient(win) as HttpDashboardClient;
    clients.push(http);
    expect(http.transport).toBe('http');
  });

  it('reads the token once from the URL, keeps it in this tab and removes it from the address bar', () => {
    const { win, replaced } = fakeWindow('http://127.0.0.1:7000/?lang=x&token=abc#/chain');
    expect(takeDashboardToken(win)).toBe('abc');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('abc');
    expect(replaced).toEqual(['/?lang=x#/chain']);
    // A reload: the URL has no token any more.
    const reload = fakeWindow('http://127.0.0.1:7000/#/chain');
    expect(takeDashboardToken(reload.win)).toBe('abc');
    expect(reload.replaced).toEqual([]);
    // A new address printed by the node replaces the old token.
    expect(takeDashboardToken(fakeWindow('http://127.0.0.1:7000/?token=new').win)).toBe('new');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('new');
    expect(document.cookie).toBe('');
  });

  it('leaves the token in the URL when the tab cannot keep it', () => {
    const { win, replaced } = fakeWindow('http://127.0.0.1:7000/?token=abc', null);
    expect(takeDashboardToken(win)).toBe('abc');
    expect(replaced).toEqual([]);
    expect(takeDashboardToken(fakeWindow('http://127.0.0.1:7000/', null).win)).toBe('');
  });
});
