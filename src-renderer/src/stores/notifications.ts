import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ClientError } from '@renderer/api';

/** How a notification looks and how long it stays. */
export type NotificationKind = 'success' | 'info' | 'warning' | 'error';

/**
 * One message to the user, worded when shown (so it follows a change of language): an i18n key with
 * its params (which may hold the node's messages), or an operation's error, worded by errorText().
 */
export interface Notification {
  id: number;
  kind: NotificationKind;
  key: string;
  params: Record<string, unknown>;
  error?: ClientError;
}

const MAX_VISIBLE = 5;
const AUTO_DISMISS_MS: Record<NotificationKind, number> = {
  success: 4000,
  info: 5000,
  warning: 8000,
  error: 0,
};

/** The one place every message to the user goes through (toasts). */
export const useNotificationsStore = defineStore('notifications', () => {
  const items = ref<Notification[]>([]);
  let nextId = 1;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();

  function push(
    kind: NotificationKind,
    key: string,
    params: Record<string, unknown> = {},
    error?: ClientError,
  ): number {
    const id = nextId++;
    // The same message twice in a row is shown once (a retry loop should not flood the screen).
    const last = items.value[items.value.length - 1];
    if (
      last &&
      last.key === key &&
      last.kind === kind &&
      JSON.stringify(last.params) === JSON.stringify(params) &&
      JSON.stringify(last.error) === JSON.stringify(error)
    ) {
      return last.id;
    }
    items.value.push(error === undefined ? { id, kind, key, params } : { id, kind, key, params, error });
    while (items.value.length > MAX_VISIBLE) dismiss(items.value[0]!.id);
    const ms = AUTO_DISMISS_MS[kind];
    if (ms > 0)
      timers.set(
        id,
        setTimeout(() => dismiss(id), ms),
      );
    return id;
  }

  function dismiss(id: number): void {
    items.value = items.value.filter((item) => item.id !== id);
    const timer = timers.get(id);
    if (timer) clearTimeout(timer);
    timers.delete(id);
  }

  function clear(): void {
    for (const item of [...items.value]) dismiss(item.id);
  }

  /** Shows an operation's error in words that say what to do, in the viewer's language. */
  function error(err: ClientError): number {
    if (err.code === 'internal') return push('error', 'notify.bug', {}, err);
    if (err.code === 'mining-cancelled') return push('info', 'errors.mining-cancelled');
    return push('error', `errors.${err.code}`, {}, err);
  }

  return {
    items,
    push,
    dismiss,
    clear,
    error,
    success: (key: string, params?: Record<string, unknown>) => push('success', key, params),
    info: (key: string, params?: Record<string, unknown>) => push('info', key, params),
    warning: (key: string, params?: Record<string, unknown>) => push('warning', key, params),
  };
});
