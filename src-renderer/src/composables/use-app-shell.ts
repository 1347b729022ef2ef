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

/** Applies theme, language and zoom to the document, and starts every store's mirror of the node. */
export function useAppShell(): void {
  const { locale, t } = useI18n({ useScope: 'global' });
  const route = useRoute();
  const preferences = usePreferencesStore();
  const { resolvedTheme, resolvedLocale, zoom } = storeToRefs(preferences);
  const stores = [
    useNodeStore(),
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
  watch(
    [() => route.meta.titleKey, locale],
    () => {
      const key = route.meta.titleKey;
      document.title = typeof key === 'string' ? `${t(key)} · Blockparty` : 'Blockparty';
    },
    { immediate: true },
  );

  onMounted(() => {
    for (const store of stores) store.start();
  });
  onBeforeUnmount(() => {
    for (const store of stores) store.stop();
  });
}
