import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { SettingsDto } from '@shared/api';
import { message, type MessageCode } from '@shared/messages';
import { parseWholeNumber, validateSettings, type Settings } from '@shared/settings';
import { onOpen, useDashboardClient } from '@renderer/api';
import { errorWording, type Wording } from '@renderer/i18n/message';
import { useNotificationsStore } from './notifications';

/** The settings form as typed: number fields may hold the text of a text box. */
export type SettingsDraft = {
  [K in keyof Settings]: Settings[K] | (Settings[K] extends number ? string : never);
};

/** The reason a number field that is not a whole number gets (the node's own for that field). */
const NUMBER_REASONS: Partial<Record<keyof Settings, MessageCode>> = {
  port: 'settings-port',
  difficulty: 'settings-difficulty',
  workers: 'settings-workers',
  dashboardPort: 'settings-port',
};

/**
 * Checks the form with the node's rules (shared/settings.ts) before anything is sent: a number field
 * must be digits only ("abc", "0x10" and an emptied box are refused with the field's reason, never
 * sent as 0), then the whole is checked as the node will check it.
 */
export function checkSettingsDraft(
  draft: SettingsDraft,
): { ok: true; settings: Settings } | { ok: false; field: keyof Settings; reason: Wording } {
  const values: Record<string, unknown> = { ...draft };
  for (const [field, code] of Object.entries(NUMBER_REASONS) as [keyof Settings, MessageCode][]) {
    const value = values[field];
    if (typeof value !== 'string') continue;
    const parsed = parseWholeNumber(value);
    if (!parsed.ok) return { ok: false, field, reason: { message: message(code) } };
    values[field] = parsed.value;
  }
  const checked = validateSettings(values);
  if (!checked.ok) return { ok: false, field: checked.field, reason: { message: checked.reason } };
  return { ok: true, settings: checked.settings };
}

/** Mirrors the node's settings; saves changes and resets the chain. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = shallowRef<SettingsDto | null>(null);
  const loading = ref(false);
  const saving = ref(false);
  const resetting = ref(false);
  /** Why a field is refused (by the form's checks or the node), keyed by the field at fault. */
  const fieldErrors = ref<Partial<Record<keyof Settings | string, Wording>>>({});
  let unsubscribers: (() => void)[] = [];

  async function refresh(): Promise<void> {
    loading.value = true;
    const result = await useDashboardClient().settings();
    loading.value = false;
    if (result.ok) settings.value = result.value;
    else useNotificationsStore().error(result.error);
  }

  /** Checks the form, then saves what changed; returns true when saved. */
  async function save(input: SettingsDraft): Promise<boolean> {
    fieldErrors.value = {};
    const checked = checkSettingsDraft(input);
    if (!checked.ok) {
      fieldErrors.value = { [checked.field]: checked.reason };
      return false;
    }
    const draft = checked.settings;
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
    if (result.error.field) fieldErrors.value = { [result.error.field]: errorWording(result.error) };
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
