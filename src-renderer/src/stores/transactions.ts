import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { CHAIN_PAGE_MAX } from '@shared/api';
import type { SubmittedTransaction, TransactionDto, TransactionInput } from '@shared/api';
import { onOpen, useDashboardClient } from '@renderer/api';
import { useNotificationsStore } from './notifications';

/** A form field's error: an i18n key, or the node's own words. */
export interface FieldError {
  key: string;
  params?: Record<string, unknown>;
}

/** The form's fields. */
export type TransactionField = 'sender' | 'recipient' | 'amount';

/** One address's balance as the chain's transactions add up (not enforced by the tutorial). */
export interface Balance {
  address: string;
  received: number;
  sent: number;
  balance: number;
}

/**
 * Balances are computed here from block details because the contract has no balances operation;
 * beyond this many blocks that costs too many calls and the screen says so instead.
 */
export const BALANCE_BLOCK_LIMIT = 2000;

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

/** Adds up what each address received and sent in a list of transactions. */
export function computeBalances(transactions: Iterable<TransactionDto>): Balance[] {
  const map = new Map<string, Balance>();
  const entry = (address: string): Balance => {
    let balance = map.get(address);
    if (!balance) map.set(address, (balance = { address, received: 0, sent: 0, balance: 0 }));
    return balance;
  };
  for (const tx of transactions) {
    const amount = Number(tx.amount);
    if (tx.amount === null || !Number.isFinite(amount)) continue;
    if (tx.recipient !== null) {
      const to = entry(tx.recipient);
      to.received += amount;
      to.balance += amount;
    }
    // Sender "0" is the mining reward: money from nowhere, not an account.
    if (tx.sender !== null && !tx.reward) {
      const from = entry(tx.sender);
      from.sent += amount;
      from.balance -= amount;
    }
  }
  return [...map.values()].sort((a, b) => b.balance - a.balance || a.address.localeCompare(b.address));
}

/** The pending pool, the new-transaction form's submission, and balances computed from the chain. */
export const useTransactionsStore = defineStore('transactions', () => {
  const pending = shallowRef<TransactionDto[]>([]);
  const loading = ref(false);
  const submitting = ref(false);
  const fieldErrors = ref<Partial<Record<TransactionField, FieldError>>>({});
  const balances = shallowRef<Balance[]>([]);
  const balancesLoading = ref(false);
  const balancesTooLong = ref(false);
  const visible = ref(false);
  const blockCache = new Map<string, TransactionDto[]>();
  let unsubscribers: (() => void)[] = [];
  let balancesRun = 0;

  async function refreshPending(): Promise<void> {
    loading.value = true;
    const result = await useDashboardClient().pending();
    loading.value = false;
    if (result.ok) pending.value = result.value;
    else useNotificationsStore().error(result.error);
  }

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

  /** Recomputes balances, fetching only blocks not seen before (cached by hash). */
  async function refreshBalances(): Promise<void> {
    const run = ++balancesRun;
    const client = useDashboardClient();
    balancesLoading.value = true;
    try {
      const first = await client.chainPage({ offset: 0, limit: CHAIN_PAGE_MAX });
      if (!first.ok) return void useNotificationsStore().error(first.error);
      const total = first.value.total;
      balancesTooLong.value = total > BALANCE_BLOCK_LIMIT;
      if (balancesTooLong.value) return;
      const summaries = [...first.value.blocks];
      while (summaries.length < total) {
        const next = await client.chainPage({ offset: summaries.length, limit: CHAIN_PAGE_MAX });
        if (!next.ok) return void useNotificationsStore().error(next.error);
        if (next.value.blocks.length === 0) break;
        summaries.push(...next.value.blocks);
      }
      const missing = summaries.filter((block) => block.transactionCount > 0 && !blockCache.has(block.hash));
      for (let i = 0; i < missing.length; i += 4) {
        const batch = await Promise.all(
          missing.slice(i, i + 4).map((block) => client.block({ index: block.index })),
        );
        if (run !== balancesRun) return;
        for (const result of batch)
          if (result.ok) blockCache.set(result.value.hash, result.value.transactions);
      }
      const live = new Set(summaries.map((block) => block.hash));
      for (const hash of blockCache.keys()) if (!live.has(hash)) blockCache.delete(hash);
      if (run === balancesRun) balances.value = computeBalances([...blockCache.values()].flat());
    } finally {
      if (run === balancesRun) balancesLoading.value = false;
    }
  }

  /** Called by the Transactions screen: fetch now and keep balances fresh while it is shown. */
  function open(): void {
    visible.value = true;
    void refreshPending();
    void refreshBalances();
  }

  function close(): void {
    visible.value = false;
  }

  function start(): void {
    stop();
    const client = useDashboardClient();
    unsubscribers = [
      client.on('pending', () => void refreshPending()),
      client.on('chain', () => {
        if (visible.value) void refreshBalances();
      }),
      onOpen(client, () => void refreshPending()),
    ];
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
    balances,
    balancesLoading,
    balancesTooLong,
    refreshPending,
    submit,
    clearFieldError,
    refreshBalances,
    open,
    close,
    start,
    stop,
  };
});
