import type { ActivityEntry } from '@shared/api';
import { messageText, type MessageTranslator } from './message';

/** The parts of vue-i18n's composer that word an activity line. */
export type ActivityTranslator = MessageTranslator;

/**
 * An activity line in the dashboard's language: the entry's message code worded with its params
 * (nested messages and count phrases included), or the node's English `message` when this dashboard
 * has no words for the code (an older or newer node).
 */
export function activityText(i18n: ActivityTranslator, entry: ActivityEntry): string {
  if (!entry.code) return entry.message;
  return messageText(i18n, { code: entry.code, params: entry.params ?? {} }, entry.message);
}
