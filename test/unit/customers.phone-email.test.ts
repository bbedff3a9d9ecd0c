import { describe, expect, it } from 'vitest';
import { isMaskedEmail, normalizeEmail } from '../../src/domain/email';
import { normalizePhone } from '../../src/domain/phone';

describe('normalizePhone: mainland China, Taiwan, Hong Kong to E.164', () => {
  it.each([
    ['138 0013 8000', 'CN', '+8613800138000'],
    ['138-0013-8000', 'CN', '+8613800138000'],
    ['+86 138 0013 8000', null, '+8613800138000'],
    ['(+86) 138-0013-8000', 'TW', '+8613800138000'],
    ['0086 13800138000', null, '+8613800138000'],
    ['8613800138000', 'CN', '+8613800138000'],
    ['8613800138000', null, '+8613800138000'],
    ['010-12345678', 'CN', '+861012345678'],
    ['１３８００１３８０００', 'CN', '+8613800138000'],
    ['＋８６ １３８ ００１３ ８０００', null, '+8613800138000'],
    ['0912-345-678', 'TW', '+886912345678'],
    ['0912 345 678', 'tw', '+886912345678'],
    ['+886 912 345 678', null, '+886912345678'],
    ['+886 0912 345 678', null, '+886912345678'],
    ['00886912345678', 'TW', '+886912345678'],
    ['886912345678', 'TW', '+886912345678'],
    ['(02) 2345-6789', 'TW', '+886223456789'],
    ['０９１２－３４５－６７８', 'TW', '+886912345678'],
    ['9123 4567', 'HK', '+85291234567'],
    ['+852 9123-4567', null, '+85291234567'],
    ['852 9123 4567', 'HK', '+85291234567'],
    ['00852 2123 4567', 'CN', '+85221234567'],
    ['+1 (415) 555-2671', 'CN', '+14155552671'],
    ['+886 2 2345 6789 分機 12', null, '+886223456789'],
  ])('%s (region %s) → %s', (raw, region, expected) => {
    expect(normalizePhone(raw, region)).toBe(expected);
  });

  it.each([[''], [null], ['n/a'], ['12'], ['0912-345-678'], ['123456']])('%s without a usable region is not a number', (raw) => {
    expect(normalizePhone(raw as string | null, raw === '0912-345-678' ? 'US' : null)).toBeNull();
  });

  it('the same line written three ways is one E.164 number', () => {
    const forms = ['0912345678', '+886-912-345-678', '８８６９１２３４５６７８'];
    expect(new Set(forms.map((f) => normalizePhone(f, 'TW')))).toEqual(new Set(['+886912345678']));
  });
});

describe('normalizeEmail and masked addresses', () => {
  it('trims and lowercases; rejects what is not an address', () => {
    expect(normalizeEmail('  Ada@Example.COM \n')).toBe('ada@example.com');
    expect(normalizeEmail('ａｄａ＠example.com')).toBe('ada@example.com');
    expect(normalizeEmail('王小明@例子.公司')).toBe('王小明@例子.公司');
    expect(normalizeEmail('not an email')).toBeNull();
    expect(normalizeEmail('a@b')).toBeNull();
    expect(normalizeEmail('')).toBeNull();
    expect(normalizeEmail(undefined)).toBeNull();
  });

  it('recognises Amazon relay addresses on every marketplace, and nothing else', () => {
    expect(isMaskedEmail('0x9z8y7x6w5v4u3t@marketplace.amazon.com')).toBe(true);
    expect(isMaskedEmail('abc123@marketplace.amazon.co.uk')).toBe(true);
    expect(isMaskedEmail('abc123@marketplace.amazon.de')).toBe(true);
    expect(isMaskedEmail('abc123@marketplace.amazon.co.jp')).toBe(true);
    expect(isMaskedEmail('buyer@amazon.com')).toBe(false);
    expect(isMaskedEmail('someone@marketplace-amazon.com')).toBe(false);
    expect(isMaskedEmail('ada@example.com')).toBe(false);
  });
});
