import { createI18n } from 'vue-i18n';
import { en } from './en';
import { zhCN } from './zh-CN';
import { labEn } from './lab-en';
import { labZhCN } from './lab-zh-CN';
import type { AppLocale } from '@renderer/stores/preferences';

/** The locales the dashboard ships, with their names in their own language. */
export const LOCALES: readonly { code: AppLocale; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
];

/**
 * The dashboard's i18n. vue-i18n 11 compiles messages to an AST and interprets it (no `new Function`),
 * so it runs under the strict CSP without precompiled messages.
 */
export function createAppI18n(locale: AppLocale = 'en') {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en: { ...en, lab: labEn }, 'zh-CN': { ...zhCN, lab: labZhCN } },
    missingWarn: false,
    fallbackWarn: false,
  });
}
