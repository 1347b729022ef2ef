// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { PREFERENCES_STORAGE_KEY, usePreferencesStore } from '@renderer/stores/preferences';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});

describe('viewer preferences', () => {
  it('come back in a new page of the same origin (a reload, or a tab after the node restarted)', async () => {
    const first = usePreferencesStore();
    first.locale = 'zh-CN';
    first.theme = 'dark';
    first.zoomIn();
    await flush();
    setActivePinia(createPinia());
    const again = usePreferencesStore();
    expect([again.locale, again.theme, again.zoom]).toEqual(['zh-CN', 'dark', 115]);
    expect(again.resolvedLocale).toBe('zh-CN');
  });

  it('ignore saved values this version does not know', () => {
    localStorage.setItem(PREFERENCES_STORAGE_KEY, JSON.stringify({ theme: 'neon', locale: 'fr', zoom: 333 }));
    const store = usePreferencesStore();
    expect([store.theme, store.locale, store.zoom]).toEqual(['system', 'system', 100]);
    localStorage.setItem(PREFERENCES_STORAGE_KEY, '[1, 2');
    setActivePinia(createPinia());
    expect(usePreferencesStore().zoom).toBe(100);
  });

  it('follow a change made in another tab of the same dashboard', async () => {
    const store = usePreferencesStore();
    const newValue = JSON.stringify({ theme: 'dark', locale: 'en', zoom: 150 });
    window.dispatchEvent(new StorageEvent('storage', { key: PREFERENCES_STORAGE_KEY, newValue }));
    expect([store.theme, store.locale, store.zoom]).toEqual(['dark', 'en', 150]);
    window.dispatchEvent(new StorageEvent('storage', { key: 'other', newValue: '{"zoom": 200}' }));
    expect(store.zoom).toBe(150);
  });
});
