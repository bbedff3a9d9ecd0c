import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocationStatuses, financialStatuses, fulfillmentStatuses, ingestPaths, orderExceptions, orderStatuses } from '../../src/domain/order';
import { messageArgs, parseMessage } from '../../src/i18n/format-message';
import { catalogues, locales } from '../../src/i18n/index';
import { en } from '../../src/i18n/messages/en';

const root = path.resolve(import.meta.dirname, '../..');
const keys = Object.keys(en);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|tsx)$/.test(f) ? [p] : [];
  });
}
/** Everything that shows text to people and may use a key. */
const code = [...sources(path.join(root, 'src/ui')), path.join(root, 'src/api/problem.ts')].map((f) => readFileSync(f, 'utf8')).join('\n');

describe('message catalogues', () => {
  it.each(locales)('%s has every key, and no key English does not have', (locale) => {
    const cat = catalogues[locale];
    expect(Object.keys(cat).filter((k) => !(k in en))).toEqual([]);
    expect(keys.filter((k) => !(k in cat))).toEqual([]);
    for (const k of keys) expect((cat as Record<string, string>)[k]?.trim(), `${locale} ${k}`).toBeTruthy();
  });

  it.each(locales)('%s messages parse and use the same placeholders as English', (locale) => {
    for (const k of keys) {
      const src = (catalogues[locale] as Record<string, string>)[k]!;
      expect(() => parseMessage(src), `${locale} ${k}`).not.toThrow();
      expect(messageArgs(src), `${locale} ${k}`).toEqual(messageArgs((en as Record<string, string>)[k]!));
    }
  });

  it('Chinese catalogues are translated, not English copies', () => {
    for (const locale of ['zh-CN', 'zh-TW'] as const) {
      const same = keys.filter((k) => (catalogues[locale] as Record<string, string>)[k] === (en as Record<string, string>)[k] && /[a-z]{4,}/.test((en as Record<string, string>)[k]!));
      // Brand names and codes stay as they are (channels, payment processors, accounting systems).
      expect(same.filter((k) => !/^(channel|payoutSource|accountingTarget)\./.test(k)), locale).toEqual([]);
    }
    expect(catalogues['zh-CN']['inbox.title']).not.toBe(catalogues['zh-TW']['inbox.title'] + 'x');
    expect(catalogues['zh-CN']['connections.settings']).toBe('设置');
    expect(catalogues['zh-TW']['connections.settings']).toBe('設定');
  });

  it('has no unused key: each is written literally in the UI, or belongs to a family the UI looks up by value', () => {
    const literal = new Set([...code.matchAll(/'([a-zA-Z]+(?:\.[a-zA-Z0-9_]+)+)'/g)].map((m) => m[1]!));
    const families = new Set<string>([
      ...[...code.matchAll(/tEnum\(\s*'(\w+)'/g)].map((m) => m[1]!),
      ...[...code.matchAll(/(?:kind|prefix)="(\w+)"/g)].map((m) => m[1]!),
      ...[...code.matchAll(/`([\w.]+)\.\$\{/g)].map((m) => m[1]!),
    ]);
    const unused = keys.filter((k) => !literal.has(k) && ![...families].some((f) => k.startsWith(`${f}.`)));
    expect(unused).toEqual([]);
    // The families the UI looks up by value cover every value the domain can produce.
    const need: Array<[string, readonly string[]]> = [
      ['status', orderStatuses], ['financialStatus', financialStatuses], ['fulfillmentStatus', fulfillmentStatuses],
      ['allocationStatus', allocationStatuses], ['exception', orderExceptions], ['ingestPath', ingestPaths],
      ['connectionStatus', ['active', 'paused', 'error', 'archived']], ['eventStatus', ['pending', 'processed', 'ignored', 'failed']],
      ['action', ['hold', 'release', 'cancel']], ['timeline.action', ['hold', 'release', 'cancel']],
    ];
    for (const [family, values] of need) {
      expect(families.has(family), family).toBe(true);
      for (const v of values) expect(keys, `${family}.${v}`).toContain(`${family}.${v}`);
    }
  });

  it('no text shown to people is hard-coded in a page: visible JSX text is a key lookup or a symbol', () => {
    // Literal text between a tag's ">" and the next "<" (not an arrow function, not an expression).
    const literalText = (text: string) =>
      [...text.matchAll(/(?<![=\-])>([^<>{}()=;&|:]*[A-Za-z]{2,}[^<>{}()=;&|:]*)</g)].map((m) => m[1]!.trim()).filter((s) => s !== 'omnihub');
    expect(literalText('<p class="x">Hello world</p>')).toEqual(['Hello world']);
    const pages = sources(path.join(root, 'src/ui')).filter((f) => f.endsWith('.tsx'));
    const offenders = pages.flatMap((f) => literalText(readFileSync(f, 'utf8')).map((s) => `${path.relative(root, f)}: ${s}`));
    expect(offenders).toEqual([]);
  });
});
