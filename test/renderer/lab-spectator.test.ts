// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { effectScope } from 'vue';
import type { SpectatorDto } from '@shared/api';
import { createAppI18n } from '@renderer/i18n';
import SpectatorApp from '@renderer/spectator/SpectatorApp.vue';
import { SPECTATOR_DATA_URL, useSpectatorFeed } from '@renderer/spectator/use-spectator-feed';
import { makeNode, makeTree, makeView } from './lab-fixtures';

function spectatorData(height = 10): SpectatorDto {
  return { view: makeView([makeNode('Ben')], { height }), forks: makeTree() };
}

function answer(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the spectator feed', () => {
  it('asks the host every 2 s, one request at a time, and says when it stops answering', async () => {
    vi.useFakeTimers();
    const answers: (() => Response | Promise<Response>)[] = [
      () => answer(spectatorData(10)),
      () => answer(spectatorData(11)),
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => answer({ error: 'not-found' }, 404),
      () => answer({ nodes: 'not a view' }),
      () => answer(spectatorData(12)),
    ];
    const fetch = vi.fn(async (_url: string) => answers.shift()!());
    const scope = effectScope();
    const feed = scope.run(() => useSpectatorFeed({ fetch: fetch as unknown as typeof globalThis.fetch }))!;
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledWith(SPECTATOR_DATA_URL, expect.objectContaining({ cache: 'no-store' }));
    expect(feed.data.value?.view.height).toBe(10);
    expect(feed.failing.value).toBe(false);
    await vi.advanceTimersByTimeAsync(1999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(feed.data.value?.view.height).toBe(11);
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(2000);
      expect(feed.failing.value).toBe(true);
      // What was shown stays up while the host is away.
      expect(feed.data.value?.view.height).toBe(11);
    }
    await vi.advanceTimersByTimeAsync(2000);
    expect(feed.failing.value).toBe(false);
    expect(feed.data.value?.view.height).toBe(12);
    scope.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetch).toHaveBeenCalledTimes(6);
  });
});

describe('the spectator page', () => {
  it('shows the network board and the fork tree, with no control to press', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => answer(spectatorData())),
    );
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: query.includes('max-width'),
      media: query,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    }));
    const wrapper = mount(SpectatorApp, { global: { plugins: [createPinia(), createAppI18n('en')] } });
    await flushPromises();
    expect(wrapper.get('[data-testid=spectator-subtitle]').text()).toBe(
      'A live view of network eeeeeeeeeeeeeeee, read only',
    );
    expect(wrapper.findAll('[data-testid=net-node]')).toHaveLength(2);
    expect(wrapper.findAll('[data-testid=fork-block]')).toHaveLength(8);
    expect(wrapper.get('[data-testid=reorg-verdict]').text()).toContain('The chain from Ben');
    // Read only: the language is the one thing a visitor chooses.
    expect(wrapper.findAll('button')).toHaveLength(0);
    expect(wrapper.findAll('input')).toHaveLength(0);
    await wrapper.get('[data-testid=spectator-locale]').setValue('zh-CN');
    await flushPromises();
    expect(wrapper.text()).toContain('在线节点');
    wrapper.unmount();
  });
});
