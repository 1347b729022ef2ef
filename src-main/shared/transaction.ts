/**
 * The rules of a transaction submitted through Blockparty's API or its form, once for the node and
 * the dashboard. Peers' chains may hold anything (the tutorial checks nothing); these bound what this
 * node accepts from people, so that one long string cannot fill every dashboard of the class.
 */
import { describeValue } from './address.ts';
import { message, type Message } from './messages.ts';

/** The longest sender or recipient, in characters (a node id is 32). */
export const PARTY_MAX = 128;
/** The longest amount, in characters of its JSON text. */
export const AMOUNT_MAX = 64;
/** The most transactions the pending pool keeps; the next one waits for a mined block. */
export const PENDING_MAX = 20_000;

/** Why a sender or recipient is refused, or null when it is fine. */
export function checkParty(field: 'sender' | 'recipient', value: unknown, present: boolean): Message | null {
  if (!present) return message('tx-field-missing', { field });
  if (typeof value !== 'string') return message('tx-field-not-string', { field, got: describeValue(value) });
  if (value.length === 0) return message('tx-field-empty', { field });
  if (value.length > PARTY_MAX)
    return message('tx-field-too-long', { field, length: value.length, max: PARTY_MAX });
  return null;
}

/** An amount typed in a form, as the JSON number it becomes: an int (`"5"`) or a float (`"2.5"`). */
export type AmountText = { ok: true; kind: 'int' | 'float'; text: string } | { ok: false; reason: Message };

const INT_TEXT = /^\+?\d+$/;
const FLOAT_TEXT = /^\+?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/;

/**
 * Reads an amount as a person types it, as Python's int() / float() would: "5" is an int, "5.0" and
 * "2.5e3" floats. Refuses what is not a positive finite number, with a reason ("0x10", "-1", "１０").
 */
export function parseAmountText(input: string): AmountText {
  const text = input.trim();
  if (/[\uff10-\uff19\uff0e]/.test(text))
    return { ok: false, reason: message('tx-amount-wide-digits', { got: text }) };
  if (text.length > AMOUNT_MAX)
    return { ok: false, reason: message('tx-amount-too-long', { length: text.length, max: AMOUNT_MAX }) };
  const body = text.replace(/^\+/, '');
  if (INT_TEXT.test(text)) {
    if (/^0+$/.test(body)) return { ok: false, reason: message('tx-amount-not-positive', { got: text }) };
    return { ok: true, kind: 'int', text: body.replace(/^0+(?=\d)/, '') };
  }
  if (FLOAT_TEXT.test(text)) {
    const value = Number(body);
    if (!Number.isFinite(value) || value <= 0)
      return { ok: false, reason: message('tx-amount-not-positive', { got: text }) };
    return { ok: true, kind: 'float', text: body };
  }
  if (/^-/.test(text)) return { ok: false, reason: message('tx-amount-not-positive', { got: text }) };
  return { ok: false, reason: message('tx-amount-text', { got: text }) };
}
