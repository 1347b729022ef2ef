import { useI18n } from 'vue-i18n';
import { isMessage, renderMessage } from '@shared/messages';
import type { Message, MessageParam } from '@shared/messages';
import type { ClientError } from '@renderer/api/types';
import { en } from './en';

/** The parts of vue-i18n's composer (`useI18n()` or `i18n.global`) that word the node's messages. */
export interface MessageTranslator {
  t(key: string, named: Record<string, unknown>): string;
  t(key: string, plural: number): string;
  te(key: string): boolean;
}

/** A sentence as the node sends it: a code it may have made up after this dashboard was built. */
export interface MessageLike {
  code: string;
  params?: Record<string, MessageParam>;
}

/**
 * Something to show a person: a dashboard text (`key` with its params, which may hold the node's
 * messages), a message from the node (with the English it came with, for codes this dashboard does
 * not know), or plain text as found (a JS error).
 */
export type Wording =
  | { key: string; params?: Record<string, unknown> }
  | { message: MessageLike; fallback?: string }
  | { text: string };

/**
 * The params whose text is the node's own English word (a kind of value, a field name), by code:
 * elsewhere the same param may hold what a person typed ("amount" typed as an amount stays so).
 */
const WORDED_PARAMS: Readonly<Record<string, readonly string[]>> = {
  'tx-not-object': ['got'],
  'tx-field-missing': ['field'],
  'tx-field-not-string': ['field', 'got'],
  'tx-field-empty': ['field'],
  'tx-field-too-long': ['field'],
  'address-not-text': ['got'],
  'settings-boolean': ['field'],
  'chain-not-list': ['got'],
  'block-not-object': ['got'],
  'block-key-type': ['expected', 'got'],
  'block-genesis-previous': ['expected'],
  'request-invalid': ['field', 'expected'],
  'storage-bad-value': ['what'],
};
/** Each English word the node puts in those params, and its key under `words.` in every locale. */
const WORD_KEYS = new Map<string, string>(Object.entries(en.words).map(([key, text]) => [text, key]));

/** Whether this dashboard has words for a message code. */
export function knowsMessage(i18n: MessageTranslator, code: string): boolean {
  return i18n.te(`messages.${code}`);
}

/** One param as the viewer reads it: nested messages and count phrases in the viewer's language. */
function paramText(
  i18n: MessageTranslator,
  code: string,
  name: string,
  value: MessageParam,
): string | number {
  if (typeof value === 'number') {
    const count = `counts.${name}`;
    return i18n.te(count) ? i18n.t(count, value) : value;
  }
  if (typeof value === 'string') {
    const word = WORDED_PARAMS[code]?.includes(name) ? WORD_KEYS.get(value) : undefined;
    return word === undefined ? value : i18n.t(`words.${word}`, {});
  }
  return isMessage(value) ? messageText(i18n, value) : String(value);
}

/**
 * A message from the node in the dashboard's language: `messages.<code>` worded with its params.
 * A code this dashboard has no words for (a newer node) shows `fallback`, the English the node sent
 * with it, or else the node's English rendering.
 */
export function messageText(i18n: MessageTranslator, m: MessageLike, fallback?: string): string {
  const params = m.params ?? {};
  if (!knowsMessage(i18n, m.code)) return fallback ?? renderMessage({ code: m.code, params } as Message);
  const named: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) named[name] = paramText(i18n, m.code, name, value);
  return i18n.t(`messages.${m.code}`, named);
}

/**
 * An operation's failure in the viewer's language: the node's `detail` when this dashboard knows
 * its code (after a lead-in for codes that have one), the dashboard's own words for failures it
 * detects itself (no network, a timeout), and the node's English only for what it does not know.
 */
export function errorText(i18n: MessageTranslator, error: ClientError): string {
  const detail = error.detail;
  if (error.code === 'internal') {
    const cause = detail?.code === 'internal' ? detail.params['error'] : undefined;
    return i18n.t('notify.bug', { message: typeof cause === 'string' ? cause : error.message });
  }
  if (detail !== undefined && knowsMessage(i18n, detail.code)) {
    const text = messageText(i18n, detail);
    const lead = `errors.lead.${error.code}`;
    return i18n.te(lead) ? i18n.t(lead, { detail: text }) : text;
  }
  const own = `errors.${error.code}`;
  if (i18n.te(own)) return i18n.t(own, { message: error.message });
  return error.message;
}

/** The text of a {@link Wording}. */
export function wordingText(i18n: MessageTranslator, wording: Wording): string {
  if ('text' in wording) return wording.text;
  if ('message' in wording) return messageText(i18n, wording.message, wording.fallback);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(wording.params ?? {})) {
    named[name] = isMessage(value) ? messageText(i18n, value) : value;
  }
  return i18n.t(wording.key, named);
}

/** The text of a notification (see the notifications store). */
export function notificationText(
  i18n: MessageTranslator,
  item: { key: string; params: Record<string, unknown>; error?: ClientError },
): string {
  return item.error ? errorText(i18n, item.error) : wordingText(i18n, { key: item.key, params: item.params });
}

/** How a node's refusal of an input is shown beside the field: its detail, or its English. */
export function errorWording(error: ClientError): Wording {
  return error.detail ? { message: error.detail, fallback: error.message } : { text: error.message };
}

/** The message helpers bound to the component's i18n (call in `setup`). */
export function useMessages() {
  const i18n = useI18n();
  return {
    message: (m: MessageLike, fallback?: string) => messageText(i18n, m, fallback),
    error: (error: ClientError) => errorText(i18n, error),
    say: (wording: Wording | null | undefined) => (wording ? wordingText(i18n, wording) : ''),
    notification: (item: Parameters<typeof notificationText>[1]) => notificationText(i18n, item),
  };
}
