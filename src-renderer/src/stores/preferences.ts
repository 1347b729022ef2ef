import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';

/** Theme choice; 'system' follows the OS. */
export type ThemePreference = 'system' | 'light' | 'dark';
/** Language choice; 'system' follows the OS/browser. */
export type LocalePreference = 'system' | 'en' | 'zh-CN';
/** A locale the dashboard has messages for. */
export type AppLocale = 'en' | 'zh-CN';

/** Presenter zoom steps (html font-size, percent). */
export const ZOOM_STEPS = [100, 115, 130, 150, 175, 200] as const;

/**
 * Where preferences live: localStorage of the page's origin. That origin is stable across restarts
 * of the node: `file://` in the desktop app (IPC), and the saved dashboard port for the headless node.
 */
export const PREFERENCES_STORAGE_KEY = 'blockparty-preferences';

const THEMES: readonly ThemePreference[] = ['system', 'light', 'dark'];
const LOCALES: readonly LocalePreference[] = ['system', 'en', 'zh-CN'];

interface Saved {
  theme: ThemePreference;
  locale: LocalePreference;
  zoom: number;
}

/** The locale to use for a list of browser languages (`navigator.languages`). */
export function localeFromLanguages(languages: readonly string[]): AppLocale {
  for (const lang of languages) {
    const lower = lang.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The valid choices in a saved text; anything else (another version's values, a hand edit) is left out. */
function parse(raw: string | null | undefined): Partial<Saved> {
  let value: unknown;
  try {
    value = raw ? JSON.parse(raw) : {};
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const saved = value as Record<string, unknown>;
  const out: Partial<Saved> = {};
  if (THEMES.includes(saved['theme'] as ThemePreference)) out.theme = saved['theme'] as ThemePreference;
  if (LOCALES.includes(saved['locale'] as LocalePreference)) out.locale = saved['locale'] as LocalePreference;
  if (ZOOM_STEPS.includes(saved['zoom'] as never)) out.zoom = saved['zoom'] as number;
  return out;
}

function load(): Partial<Saved> {
  try {
    return parse(globalThis.localStorage?.getItem(PREFERENCES_STORAGE_KEY));
  } catch {
    return {};
  }
}

function systemDark(): boolean {
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

/** The viewer's own choices (theme, language, zoom): kept in this browser, not in the node. */
export const usePreferencesStore = defineStore('preferences', () => {
  const saved = load();
  const theme = ref<ThemePreference>(saved.theme ?? 'system');
  const locale = ref<LocalePreference>(saved.locale ?? 'system');
  const zoom = ref<number>(saved.zoom ?? 100);
  const osDark = ref(systemDark());
  const osLanguages = ref<readonly string[]>(globalThis.navigator?.languages ?? ['en']);

  const media = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
  media?.addEventListener?.('change', (event) => (osDark.value = event.matches));
  globalThis.addEventListener?.('languagechange', () => {
    osLanguages.value = globalThis.navigator?.languages ?? ['en'];
  });
  // Another tab of this dashboard changed them: follow, so neither tab later saves stale choices.
  globalThis.addEventListener?.('storage', (event: StorageEvent) => {
    if (event.key !== PREFERENCES_STORAGE_KEY) return;
    const next = parse(event.newValue);
    if (next.theme) theme.value = next.theme;
    if (next.locale) locale.value = next.locale;
    if (next.zoom) zoom.value = next.zoom;
  });

  const resolvedTheme = computed<'light' | 'dark'>(() =>
    theme.value === 'system' ? (osDark.value ? 'dark' : 'light') : theme.value,
  );
  const resolvedLocale = computed<AppLocale>(() =>
    locale.value === 'system' ? localeFromLanguages(osLanguages.value) : locale.value,
  );

  watch([theme, locale, zoom], () => {
    try {
      globalThis.localStorage?.setItem(
        PREFERENCES_STORAGE_KEY,
        JSON.stringify({ theme: theme.value, locale: locale.value, zoom: zoom.value }),
      );
    } catch {
      // Private windows may refuse storage; preferences then last for this session only.
    }
  });

  function zoomIn(): void {
    const next = ZOOM_STEPS.find((step) => step > zoom.value);
    if (next) zoom.value = next;
  }

  function zoomOut(): void {
    const previous = [...ZOOM_STEPS].reverse().find((step) => step < zoom.value);
    if (previous) zoom.value = previous;
  }

  return { theme, locale, zoom, osDark, osLanguages, resolvedTheme, resolvedLocale, zoomIn, zoomOut };
});
