import { describe, expect, it } from 'vitest';
import { formatDateTime, formatMoney, formatNumber, formatRelative, zonedDayStart } from '../../src/i18n/format';
import { formatMessage } from '../../src/i18n/format-message';
import { fromAcceptLanguage, negotiateLocale } from '../../src/i18n/locales';
import { createI18n } from '../../src/i18n/index';
import type { Locale } from '../../src/i18n/index';

describe('money from minor units', () => {
  const cases: Array<[Locale, number, string, string]> = [
    ['en', 123450, 'CNY', '¥1,234.50'],
    ['zh-CN', 123450, 'CNY', '¥1,234.50'],
    ['zh-TW', 123450, 'CNY', '¥1,234.50'],
    ['en', 99900, 'TWD', 'NT$999.00'],
    ['zh-TW', 99900, 'TWD', 'NT$999.00'],
    ['zh-CN', 5, 'HKD', 'HK$0.05'],
    ['zh-TW', 1999, 'USD', 'US$19.99'],
    ['en', 1999, 'USD', 'US$19.99'],
    ['en', 1000, 'EUR', '€10.00'],
    ['zh-CN', -354, 'EUR', '-€3.54'],
    ['en', 1500, 'JPY', 'JP¥1,500'],
    ['zh-TW', 1500, 'JPY', 'JP¥1,500'],
    ['en', 1234, 'KWD', 'KWD 1.234'],
  ];
  it.each(cases)('%s %i %s → %s', (locale, minor, currency, expected) => {
    expect(formatMoney(locale, minor, currency).replace(/\u00a0/g, ' ')).toBe(expected);
  });

  it('is exact for amounts a float would round', () => {
    expect(formatMoney('en', 9_007_199_254_740_991, 'USD')).toBe('US$90,071,992,547,409.91');
  });

  it('shows the ISO code for a currency without a symbol of its own', () => {
    expect(formatMoney('en', 1234, 'XXY').replace(/\u00a0/g, ' ')).toBe('XXY 12.34');
  });
});

describe('dates in the business time zone', () => {
  const at = '2026-01-05T16:30:00Z';
  it('formats the same instant per zone and language', () => {
    expect(formatDateTime('zh-CN', 'Asia/Shanghai', at)).toBe('2026年1月6日 00:30');
    expect(formatDateTime('zh-TW', 'Asia/Taipei', at)).toBe('2026年1月6日 00:30');
    expect(formatDateTime('en', 'Europe/Berlin', at)).toBe('Jan 5, 2026, 17:30');
  });

  it('finds the start of a local day (for date filters), across DST', () => {
    expect(zonedDayStart('2026-01-05', 'Asia/Shanghai').toISOString()).toBe('2026-01-04T16:00:00.000Z');
    expect(zonedDayStart('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(zonedDayStart('2026-03-30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(zonedDayStart('2026-07-01', 'UTC').toISOString()).toBe('2026-07-01T00:00:00.000Z');
  });

  it('says relative times in each language', () => {
    const now = new Date('2026-01-05T12:00:00Z');
    expect(formatRelative('zh-CN', new Date(now.getTime() - 3 * 60_000), now)).toBe('3分钟前');
    expect(formatRelative('zh-TW', new Date(now.getTime() - 3 * 60_000), now)).toBe('3 分鐘前');
    expect(formatRelative('en', new Date(now.getTime() - 3 * 60_000), now)).toBe('3 minutes ago');
    expect(formatRelative('en', new Date(now.getTime() - 2 * 86400_000), now)).toBe('2 days ago');
    expect(formatRelative('zh-CN', now, now)).toBe('现在');
  });

  it('formats plain numbers with the locale grouping', () => {
    expect(formatNumber('zh-TW', 1234567)).toBe('1,234,567');
  });
});

describe('ICU messages', () => {
  it('picks plural forms from Intl.PluralRules, with # and exact matches', () => {
    const src = '{count, plural, =0 {no orders} one {# order} other {# orders}}';
    expect(formatMessage('en', src, { count: 0 })).toBe('no orders');
    expect(formatMessage('en', src, { count: 1 })).toBe('1 order');
    expect(formatMessage('en', src, { count: 1200 })).toBe('1,200 orders');
    expect(formatMessage('zh-CN', '{count, plural, other {# 个订单}}', { count: 1 })).toBe('1 个订单');
  });

  it('fills placeholders, selects, and keeps quoted braces', () => {
    expect(formatMessage('en', 'Order {number} for {name}', { number: '#1001', name: '王小明' })).toBe('Order #1001 for 王小明');
    expect(formatMessage('en', '{kind, select, poll {pulled} other {pushed}}', { kind: 'poll' })).toBe('pulled');
    expect(formatMessage('en', "literal '{braces'}", {})).toBe('literal {braces}');
  });

  it('rejects broken messages', () => {
    expect(() => formatMessage('en', '{count, plural, one {x}}')).toThrow(/other/);
    expect(() => formatMessage('en', '{count, number}')).toThrow(/unsupported/);
    expect(() => formatMessage('en', 'a } b')).toThrow(/unbalanced/);
  });

  it('translates through createI18n with a fallback for values without a key', () => {
    const i = createI18n('zh-TW', 'Asia/Taipei');
    expect(i.t('inbox.items', { count: 3 })).toBe('3 件商品');
    expect(i.tEnum('status', 'on_hold')).toBe('已暫停');
    expect(i.tEnum('channel', 'etsy')).toBe('etsy');
    expect(i.region('TW')).toBe('台灣');
    expect(createI18n('zh-CN', 'UTC').region('CN')).toBe('中国');
    expect(i.region('??')).toBe('??');
  });

  it('counts sync pages in the singular and the plural, with grouped numbers', () => {
    const en = createI18n('en', 'UTC');
    expect(en.t('ui.conn.progress', { pages: 1, orders: 1 })).toBe('1 page · 1 order');
    expect(en.t('ui.conn.progress', { pages: 1200, orders: 2 })).toBe('1,200 pages · 2 orders');
    expect(createI18n('zh-TW', 'UTC').t('ui.conn.progress', { pages: 1200, orders: 2 })).toBe('1,200 頁 · 2 筆訂單');
  });

  it('makes the verb agree with the count of orders waiting for stock', () => {
    const en = createI18n('en', 'UTC');
    expect(en.t('ui.dash.backlogSummary', { count: 1, days: 14 })).toBe('1 order placed in the last 14 days still waits for stock');
    expect(en.t('ui.dash.backlogSummary', { count: 3, days: 14 })).toBe('3 orders placed in the last 14 days still wait for stock');
  });
});

describe('choosing the language', () => {
  it('reads Accept-Language by q-value and maps Chinese scripts and regions', () => {
    expect(fromAcceptLanguage('zh-TW,zh;q=0.9')).toBe('zh-TW');
    expect(fromAcceptLanguage('zh-HK')).toBe('zh-TW');
    expect(fromAcceptLanguage('zh-Hant-MO')).toBe('zh-TW');
    expect(fromAcceptLanguage('zh')).toBe('zh-CN');
    expect(fromAcceptLanguage('zh-Hans-SG')).toBe('zh-CN');
    expect(fromAcceptLanguage('fr-FR,en;q=0.3,zh-CN;q=0.5')).toBe('zh-CN');
    expect(fromAcceptLanguage('de, fr')).toBeNull();
  });

  it('prefers the saved choice, then the browser, then the business default', () => {
    expect(negotiateLocale({ preference: 'zh-TW', acceptLanguage: 'en', fallback: 'en' })).toBe('zh-TW');
    expect(negotiateLocale({ preference: 'xx', acceptLanguage: 'zh-CN', fallback: 'en' })).toBe('zh-CN');
    expect(negotiateLocale({ acceptLanguage: 'ja', fallback: 'zh-TW' })).toBe('zh-TW');
  });
});
