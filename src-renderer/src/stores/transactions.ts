import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { SubmittedTransaction, TransactionDto, TransactionInput } from '@shared/api';
import { message } from '@shared/messages';
import { checkParty, parseAmountText } from '@shared/transaction';
import { onOpen, useDashboardClient } from '@renderer/api';
import { errorWording, type Wording } from '@renderer/i18n/message';
import { useNotificationsStore } from './notifications';
import { LIVE_REFRESH_MS, useCoalesced } from '@renderer/composables/use-coalesced';

/** A form field's error, worded in the viewer's language when shown. */
export type FieldError = Wording;

/** The form's fields. */
export type TransactionField = 'sender' | 'recipient' | 'amount';

/**
 * Checks a transaction with the node's own rules (shared/transaction.ts), so the form refuses what
 * the node would, with the same reason: an empty or too long party, "0x10", "-1", full-width digits.
 */
export function validateTransaction(input: TransactionInput): Partial<Record<TransactionField, FieldError>> {
  const errors: Partial<Record<TransactionField, FieldError>> = {};
  for (const field of ['sender', 'recipient'] as const) {
    const reason = checkParty(field, String(input[field]).trim(), true);
    if (reason !== null) errors[field] = { message: reason };
  }
  const amountText = String(input.amount).trim();
  if (amountText === '') errors.amount = { message: message('tx-amount-missing') };
  else {
    const amount = parseAmountText(amountText);
    if (!amount.ok) errors.amount = { message: amount.reason };
  }
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
      fieldErrors.value = { [field]: errorWording(result.error) };
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
