import { useI18n } from 'vue-i18n';

/*
 * Building an Intl formatter costs far more than using one (tens to hundreds of microseconds against
 * one or two), and the dashboard formats every number and time it shows on each update: hundreds of
 * activity rows, a page of blocks. So each formatter is built once per locale and option set, kept,
 * and the whole set is dropped when the language changes.
 */
let cachedLocale = '';
const numberFormats = new Map<number, Intl.NumberFormat>();
const dateFormats = new Map<DateStyle, Intl.DateTimeFormat>();

/** The date and time layouts the dashboard uses. */
type DateStyle = 'block' | 'blockShort' | 'clock';

const DATE_OPTIONS: Readonly<Record<DateStyle, Intl.DateTimeFormatOptions>> = {
  block: {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  },
  blockShort: { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' },
  clock: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
};

function forLocale(locale: string): void {
  if (locale === cachedLocale) return;
  cachedLocale = locale;
  numberFormats.clear();
  dateFormats.clear();
}

/** The shared number formatter for a locale and a number of fraction digits (built on first use). */
export function numberFormat(locale: string, digits: number): Intl.NumberFormat {
  forLocale(locale);
  let format = numberFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
    numberFormats.set(digits, format);
  }
  return format;
}

/** The shared date-time formatter for a locale and one of the dashboard's layouts (built on first use). */
export function dateTimeFormat(locale: string, style: DateStyle): Intl.DateTimeFormat {
  forLocale(locale);
  let format = dateFormats.get(style);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, DATE_OPTIONS[style]);
    dateFormats.set(style, format);
  }
  return format;
}

/** How many formatters are kept now (for tests: the cache stays small and follows the locale). */
export function cachedFormatterCount(): number {
  return numberFormats.size + dateFormats.size;
}

/** Number, time and hash formatting in the current locale. */
export function useFormat() {
  const { t, locale } = useI18n();

  function number(value: number | null | undefined, digits = 0): string {
    if (value === null || value === undefined || !Number.isFinite(value)) return '—';
    return numberFormat(locale.value, digits).format(value);
  }

  /** A hash rate with SI prefixes: 1.2 MH/s. */
  function hashRate(rate: number | null | undefined): string {
    if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
    const units = ['H/s', 'kH/s', 'MH/s', 'GH/s'];
    let value = rate;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return `${number(value, value < 10 && unit > 0 ? 2 : 1)} ${units[unit]}`;
  }

  /** A duration: 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
  function duration(ms: number | null | undefined): string {
    if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const seconds = ms / 1000;
    if (seconds < 60) return `${number(seconds, 1)} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
    return `${number(hours / 24, 1)} d`;
  }

  /** A block timestamp (seconds since the epoch) as local date and time. */
  function blockTime(seconds: number): string {
    return dateTimeFormat(locale.value, 'block').format(seconds * 1000);
  }

  /** A block timestamp, compact: month, day and time. */
  function blockTimeShort(seconds: number): string {
    return dateTimeFormat(locale.value, 'blockShort').format(seconds * 1000);
  }

  /** Epoch milliseconds as a time of day. */
  function clock(ms: number): string {
    return dateTimeFormat(locale.value, 'clock').format(ms);
  }

  /** "12 s ago" from epoch milliseconds. */
  function ago(ms: number | null, now = Date.now()): string {
    if (ms === null) return t('common.never');
    const seconds = Math.max(0, Math.round((now - ms) / 1000));
    if (seconds < 5) return t('common.justNow');
    if (seconds < 60) return t('common.secondsAgo', { n: seconds });
    if (seconds < 3600) return t('common.minutesAgo', { n: Math.floor(seconds / 60) });
    return t('common.hoursAgo', { n: Math.floor(seconds / 3600) });
  }

  return { number, hashRate, duration, blockTime, blockTimeShort, clock, ago };
}

/** `0000ab12…9f3c`: the start and end of a long hash. */
export function shortHash(hash: string, head = 10, tail = 6): string {
  return hash.length <= head + tail + 1 ? hash : `${hash.slice(0, head)}…${hash.slice(-tail)}`;
}

/** A colour derived from a hash, so a block's hash and the next block's previous hash visibly match. */
export function hashColor(hash: string): string {
  const hex = /^[0-9a-f]{64}$/i.test(hash) ? hash.slice(-6) : '888888';
  const hue = Math.round((parseInt(hex, 16) / 0xffffff) * 360);
  return `hsl(${hue} 70% 50%)`;
}
