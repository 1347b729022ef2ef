import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { SubmittedTransaction, TransactionDto, TransactionInput } from '@shared/api';
import { onOpen, useDashboardClient } from '@renderer/api';
import { useNotificationsStore } from './notifications';
import { LIVE_REFRESH_MS, useCoalesced } from '@renderer/composables/use-coalesced';

/** A form field's error: an i18n key, or the node's own words. */
export interface FieldError {
  key: string;
  params?: Record<string, unknown>;
}

/** The form's fields. */
export type TransactionField = 'sender' | 'recipient' | 'amount';

/** Checks a transaction as the node will (non-empty strings, finite amount > 0). */
export function validateTransaction(input: TransactionInput): Partial<Record<TransactionField, FieldError>> {
  const errors: Partial<Record<TransactionField, FieldError>> = {};
  if (!String(input.sender).trim()) errors.sender = { key: 'tx.errors.required' };
  if (!String(input.recipient).trim()) errors.recipient = { key: 'tx.errors.required' };
  const amountText = String(input.amount).trim();
  const amount = Number(amountText);
  if (!amountText) errors.amount = { key: 'tx.errors.required' };
  else if (!Number.isFinite(amount) || amount <= 0) errors.amount = { key: 'tx.errors.amountPositive' };
  return errors;
}

/** The pending pool and the new-transaction form's submission. */
export const useTransactionsStore = defineStore('transactions', () => {
  const pending = shallowRef<TransactionDto[]>([]);
  const submitting = ref(false);
  const fieldErrors = ref<Partial<Record<TransactionField, FieldError>>>({});
  let unsubscribers: (() => void)[] = [];

  // A burst of `pending` events (a script posting transactions, auto-mine emptying the pool at every
  // block) costs one fetch at a time, at most every LIVE_REFRESH_MS, plus one more at the end.
  const {
    run: refreshPending,
    schedule,
    loading,
  } = useCoalesced(
    async () => {
      const result = await useDashboardClient().pending();
      if (result.ok) pending.value = result.value;
      else useNotificationsStore().error(result.error);
    },
    { minIntervalMs: LIVE_REFRESH_MS },
  );

  /** Validates, submits, and maps the node's refusal to the field at fault. */
  async function submit(input: TransactionInput): Promise<SubmittedTransaction | null> {
    fieldErrors.value = validateTransaction(input);
    if (Object.keys(fieldErrors.value).length > 0) return null;
    submitting.value = true;
    const result = await useDashboardClient().submitTransaction({
      sender: String(input.sender).trim(),
      recipient: String(input.recipient).trim(),
      amount: typeof input.amount === 'string' ? input.amount.trim() : input.amount,
    });
    submitting.value = false;
    if (result.ok) {
      useNotificationsStore().success('tx.added', { index: result.value.index });
      void refreshPending();
      return result.value;
    }
    const field = result.error.field;
    if (field === 'sender' || field === 'recipient' || field === 'amount') {
      fieldErrors.value = { [field]: { key: 'errors.unknown', params: { message: result.error.message } } };
    } else {
      useNotificationsStore().error(result.error);
    }
    return null;
  }

  function clearFieldError(field: TransactionField): void {
    if (fieldErrors.value[field]) {
      const next = { ...fieldErrors.value };
      delete next[field];
      fieldErrors.value = next;
    }
  }

  /** Called by the Transactions screen: fetch the pool now. */
  function open(): void {
    void refreshPending();
  }

  function start(): void {
    stop();
    const client = useDashboardClient();
    unsubscribers = [client.on('pending', schedule), onOpen(client, () => void refreshPending())];
  }

  function stop(): void {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
  }

  return {
    pending,
    loading,
    submitting,
    fieldErrors,
    refreshPending,
    submit,
    clearFieldError,
    open,
    start,
    stop,
  };
});
