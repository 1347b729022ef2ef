import type { ActivityDto } from '@shared/api';

/** The parts of vue-i18n's composer (`useI18n()` or `i18n.global`) that word an activity line. */
export interface ActivityTranslator {
  t(key: string, named: Record<string, unknown>): string;
  t(key: string, plural: number): string;
  te(key: string): boolean;
}

/**
 * An activity line in the dashboard's language: `activity.messages.<code>` worded with the entry's
 * params, or the node's English `message` when the entry has no code or the code has no words (an
 * older or newer node). A number param with words under `activity.counts.<param>` is put in as that
 * plural phrase ("1 block", "3 blocks"), so a line with two counts gets both right.
 */
export function activityText(i18n: ActivityTranslator, entry: ActivityDto): string {
  if (!entry.code) return entry.message;
  const key = `activity.messages.${entry.code}`;
  if (!i18n.te(key)) return entry.message;
  const named: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(entry.params ?? {})) {
    const countKey = `activity.counts.${name}`;
    named[name] = typeof value === 'number' && i18n.te(countKey) ? i18n.t(countKey, value) : value;
  }
  return i18n.t(key, named);
}
