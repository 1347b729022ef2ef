import { onBeforeUnmount, onMounted, watch } from 'vue';
import { storeToRefs } from 'pinia';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';
import { usePreferencesStore } from '@renderer/stores/preferences';
import { useNodeStore } from '@renderer/stores/node';
import { useChainStore } from '@renderer/stores/chain';
import { useTransactionsStore } from '@renderer/stores/transactions';
import { useBalancesStore } from '@renderer/stores/balances';
import { usePeersStore } from '@renderer/stores/peers';
import { useSettingsStore } from '@renderer/stores/settings';
import { useActivityStore } from '@renderer/stores/activity';
import { useShellLayout } from './use-shell-layout';
import type { ShellLayout } from './use-shell-layout';

/** The longest node name the tab title shows before cutting it (names come from anyone on the LAN). */
const TITLE_NAME_MAX = 60;

/**
 * Applies theme, language, zoom and the shell's layout to the document, names the tab after the node,
 * and starts every store's mirror of the node.
 */
export function useAppShell(): ShellLayout {
  const { locale, t } = useI18n({ useScope: 'global' });
  const route = useRoute();
  const preferences = usePreferencesStore();
  const { resolvedTheme, resolvedLocale, zoom } = storeToRefs(preferences);
  const nodeStore = useNodeStore();
  const stores = [
    nodeStore,
    useChainStore(),
    useTransactionsStore(),
    useBalancesStore(),
    usePeersStore(),
    useSettingsStore(),
    useActivityStore(),
  ];

  watch(
    resolvedTheme,
    (theme) => {
      document.documentElement.dataset.theme = theme;
    },
    { immediate: true },
  );
  watch(
    resolvedLocale,
    (next) => {
      locale.value = next;
      document.documentElement.lang = next;
    },
    { immediate: true },
  );
  watch(
    zoom,
    (percent) => {
      document.documentElement.style.fontSize = `${percent}%`;
    },
    { immediate: true },
  );
  const layout = useShellLayout(zoom);
  // "Ana's laptop · Chain — Blockparty": with a tab per node, the node's name tells them apart.
  watch(
    [() => route.meta.titleKey, locale, () => nodeStore.status?.name],
    () => {
      const key = route.meta.titleKey;
      const name = nodeStore.status?.name.trim();
      const parts = [];
      if (name) parts.push(name.length > TITLE_NAME_MAX ? `${name.slice(0, TITLE_NAME_MAX - 1)}…` : name);
      if (typeof key === 'string') parts.push(t(key));
      document.title = parts.length ? `${parts.join(' · ')} — Blockparty` : 'Blockparty';
    },
    { immediate: true },
  );

  onMounted(() => {
    for (const store of stores) store.start();
  });
  onBeforeUnmount(() => {
    for (const store of stores) store.stop();
  });
  return layout;
}
