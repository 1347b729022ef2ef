// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { createHttpClient } from '@renderer/api/http-client';
import { createIpcClient } from '@renderer/api/ipc-client';
import { createDashboardClient } from '@renderer/api';
import type { WindowApi } from '@shared/window-api';

/** A minimal EventSource the test drives by hand. */
class FakeEventSource {
  static last: FakeEventSource | null = null;
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, (event: { data: string }) => void>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(name: string, listener: (event: { data: string }) => void): void {
    this.listeners.set(name, listener);
  }
  close(): void {
    this.readyState = 2;
  }
  dispatch(name: string, data: unknown): void {
    this.listeners.get(name)?.({ data: JSON.stringify(data) });
  }
}

describe('HTTP client', () => {
  it('posts each operation with the bearer token and returns the Result body', async () => {
    const fetch = vi.fn(
      async () => new Response(JSON.stringify({ ok: true, value: { count: 1 } }), { status: 200 }),
    );
    const client = createHttpClient({
      baseUrl: 'http://127.0.0.1:9',
      token: 'secret',
      fetch,
      EventSource: FakeEventSource as never,
    });
    const result = await client.submitTransaction({ sender: 'a', recipient: 'b', amount: '1.0' });
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
    const client = createHttpClient({
      baseUrl: '',
      token: 't',
      fetch,
      EventSource: FakeEventSource as never,
    });
    expect(await client.pending()).toEqual(refusal);
    expect(await client.pending()).toMatchObject({ ok: false, error: { code: 'network' } });
    expect(await client.pending()).toMatchObject({ ok: false, error: { code: 'node-error' } });
  });

  it('listens to server-sent events with the token in the URL and reports the connection', () => {
    const client = createHttpClient({
      baseUrl: 'http://h:1',
      token: 'a b',
      fetch: vi.fn(),
      EventSource: FakeEventSource as never,
    });
    const states: string[] = [];
    client.onConnection((state) => states.push(state));
    const seen: unknown[] = [];
    const off = client.on('chain', (payload) => seen.push(payload));
    const source = FakeEventSource.last!;
    expect(source.url).toBe('http://h:1/api/events?token=a%20b');
    source.onopen?.();
    source.dispatch('chain', { height: 2, reason: 'mined' });
    off();
    source.dispatch('chain', { height: 3, reason: 'mined' });
    source.onerror?.();
    expect(seen).toEqual([{ height: 2, reason: 'mined' }]);
    expect(states).toEqual(['connecting', 'open', 'lost']);
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
    const client = createIpcClient(windowApi);
    expect(await client.status()).toEqual({ ok: true, value: 1 });
    expect(await client.pending()).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    const listener = () => {};
    client.on('chain', listener);
    expect(windowApi.onChain).toHaveBeenCalledWith(listener);
  });
});

describe('transport choice', () => {
  it('uses window.api when the preload is there, else HTTP with the token from the URL', () => {
    const withPreload = {
      api: { onChain: () => () => {} },
      location: new URL('file:///x/index.html'),
    } as unknown as Window;
    expect(createDashboardClient(withPreload).transport).toBe('ipc');
    const browser = {
      location: new URL('http://127.0.0.1:7000/?token=abc#/chain'),
      sessionStorage: window.sessionStorage,
    } as unknown as Window;
    expect(createDashboardClient(browser).transport).toBe('http');
    expect(window.sessionStorage.getItem('blockparty-token')).toBe('abc');
  });
});
