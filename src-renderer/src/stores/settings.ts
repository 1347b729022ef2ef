import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { SettingsDto } from '@shared/api';
import { onOpen, useDashboardClient } from '@renderer/api';
import { useNotificationsStore } from './notifications';

/** Mirrors the node's settings; saves changes and resets the chain. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = shallowRef<SettingsDto | null>(null);
  const loading = ref(false);
  const saving = ref(false);
  const resetting = ref(false);
  /** The node's refusal, keyed by the field at fault. */
  const fieldErrors = ref<Record<string, string>>({});
  let unsubscribers: (() => void)[] = [];

  async function refresh(): Promise<void> {
    loading.value = true;
    const result = await useDashboardClient().settings();
    loading.value = false;
    if (result.ok) settings.value = result.value;
    else useNotificationsStore().error(result.error);
  }

  /** Saves what changed; returns true when saved. */
  async function save(draft: SettingsDto): Promise<boolean> {
    fieldErrors.value = {};
    const current = settings.value;
    const patch: Partial<SettingsDto> = {};
    for (const key of Object.keys(draft) as (keyof SettingsDto)[]) {
      if (!current || current[key] !== draft[key]) (patch as Record<string, unknown>)[key] = draft[key];
    }
    const notifications = useNotificationsStore();
    if (Object.keys(patch).length === 0) {
      notifications.info('settings.nothingChanged');
      return false;
    }
    saving.value = true;
    const result = await useDashboardClient().updateSettings(patch);
    saving.value = false;
    if (result.ok) {
      settings.value = result.value;
      notifications.success('settings.saved');
      return true;
    }
    if (result.error.field) fieldErrors.value = { [result.error.field]: result.error.message };
    notifications.error(result.error);
    return false;
  }

  /** Saves one switch at once (auto-mine on the Overview). */
  async function setAutoMine(on: boolean): Promise<void> {
    const result = await useDashboardClient().updateSettings({ autoMine: on });
    if (result.ok) settings.value = result.value;
    else useNotificationsStore().error(result.error);
  }

  async function resetChain(): Promise<boolean> {
    resetting.value = true;
    const result = await useDashboardClient().resetChain();
    resetting.value = false;
    if (result.ok) useNotificationsStore().success('settings.resetDone');
    else useNotificationsStore().error(result.error);
    return result.ok;
  }

  function start(): void {
    stop();
    const client = useDashboardClient();
    unsubscribers = [
      client.on('settings', (next) => (settings.value = next)),
      onOpen(client, () => void refresh()),
    ];
  }

  function stop(): void {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
  }

  return {
    settings,
    loading,
    saving,
    resetting,
    fieldErrors,
    refresh,
    save,
    setAutoMine,
    resetChain,
    start,
    stop,
  };
});
