import { formatMessage, type MessageValues } from './format-message';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatRelative } from './format';
import type { Locale } from './locales';
import { en, type MessageKey } from './messages/en';
import { zhCN } from './messages/zh-CN';
import { zhTW } from './messages/zh-TW';

export type { Locale } from './locales';
export type { MessageKey } from './messages/en';
export { isLocale, locales, negotiateLocale, fromAcceptLanguage } from './locales';

/** One catalogue per language; the zh ones are typed against the English keys, so a missing key fails tsc too. */
export const catalogues: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

/** The language's own name, for the switcher (shown in that language, as people look for their own). */
export const localeNames: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文', 'zh-TW': '繁體中文' };

export interface I18n {
  locale: Locale;
  timeZone: string;
  t(key: MessageKey, values?: MessageValues): string;
  /** For keys built from data (statuses, exceptions): falls back to the raw value when no key exists. */
  tEnum(prefix: string, value: string): string;
  number(n: number): string;
  money(amountMinor: number, currency: string): string;
  dateTime(iso: string | Date): string;
  date(iso: string | Date): string;
  relative(iso: string | Date): string;
  /** A country or region name from its ISO 3166 code ("CN" → "中国"), the code when unknown. */
  region(code: string): string;
}

/** A translator and formatter bound to one locale and the business time zone. */
export function createI18n(locale: Locale, timeZone: string, now: () => Date = () => new Date()): I18n {
  const cat = catalogues[locale];
  return {
    locale,
    timeZone,
    t: (key, values) => formatMessage(locale, cat[key] ?? en[key] ?? key, values),
    tEnum(prefix, value) {
      const key = `${prefix}.${value}` as MessageKey;
      const src = cat[key];
      return src === undefined ? value : formatMessage(locale, src);
    },
    number: (n) => formatNumber(locale, n),
    money: (m, c) => formatMoney(locale, m, c),
    dateTime: (iso) => formatDateTime(locale, timeZone, iso),
    date: (iso) => formatDate(locale, timeZone, iso),
    relative: (iso) => formatRelative(locale, iso, now()),
    region(code) {
      try {
        return new Intl.DisplayNames([locale], { type: 'region' }).of(code.toUpperCase()) ?? code;
      } catch {
        return code;
      }
    },
  };
}
