import { describe, expect, it } from 'vitest';
import { currencyExponent, fromMinor, MoneyFormatError, toMinor } from '../../src/domain/money';

describe('toMinor: decimal strings from the platforms', () => {
  it.each([
    ['0.10', 'USD', 10],
    ['-3.54', 'USD', -354],
    ['59.99', 'USD', 5999],
    ['59.990', 'USD', 5999],
    ['0', 'USD', 0],
    ['-0.00', 'USD', 0],
    [' 12.5 ', 'EUR', 1250],
    ['1500', 'JPY', 1500],
    ['1500.00', 'JPY', 1500],
    ['1.234', 'KWD', 1234],
    ['1.2', 'KWD', 1200],
    ['1234567890.12', 'IDR', 123456789012],
  ])('%s %s → %i', (text, currency, minor) => {
    expect(toMinor(text, currency)).toBe(minor);
  });

  it('never returns negative zero', () => {
    expect(Object.is(toMinor('-0.00', 'USD'), 0)).toBe(true);
  });

  it.each([
    ['1e3', 'USD'],
    ['1E3', 'USD'],
    ['', 'USD'],
    ['abc', 'USD'],
    ['.5', 'USD'],
    ['5.', 'USD'],
    ['+5', 'USD'],
    ['1,50', 'EUR'],
    ['59.999', 'USD'],
    ['1500.5', 'JPY'],
    ['1.2345', 'KWD'],
    ['99999999999999999999', 'USD'],
  ])('rejects %j (%s)', (text, currency) => {
    expect(() => toMinor(text, currency)).toThrow(MoneyFormatError);
  });
});

describe('toMinor: numbers from JSON', () => {
  it('reads numbers as the decimals they were written as', () => {
    expect(toMinor(19.99, 'USD')).toBe(1999);
    expect(toMinor(JSON.parse('{"p": 0.1}').p, 'USD')).toBe(10);
    expect(toMinor(-3.54, 'USD')).toBe(-354);
    expect(toMinor(1500, 'JPY')).toBe(1500);
    expect(toMinor(1.234, 'KWD')).toBe(1234);
    expect(toMinor(12, 'USD')).toBe(1200);
  });

  it('absorbs floating-point noise from arithmetic (0.1 + 0.2)', () => {
    expect(toMinor(0.1 + 0.2, 'USD')).toBe(30);
    expect(toMinor(0.1 * 3, 'USD')).toBe(30);
    expect(toMinor(1.1 + 2.2, 'USD')).toBe(330);
  });

  it('keeps large amounts with decimals exact (no binary noise from toFixed)', () => {
    // 1234567890.12 is not exactly representable; the JSON text it came from is.
    expect(toMinor(JSON.parse('1234567890.12'), 'IDR')).toBe(123456789012);
    expect(toMinor(JSON.parse('98765432109.87'), 'IDR')).toBe(9876543210987);
  });

  it('rejects numbers with more decimals than the currency, and non-finite or huge ones', () => {
    expect(() => toMinor(59.999, 'USD')).toThrow(MoneyFormatError);
    expect(() => toMinor(1.005, 'USD')).toThrow(MoneyFormatError);
    expect(() => toMinor(0.5, 'JPY')).toThrow(MoneyFormatError);
    expect(() => toMinor(Number.NaN, 'USD')).toThrow(MoneyFormatError);
    expect(() => toMinor(Number.POSITIVE_INFINITY, 'USD')).toThrow(MoneyFormatError);
    expect(() => toMinor(1e21, 'USD')).toThrow(MoneyFormatError);
    expect(() => toMinor(1e-7, 'USD')).toThrow(MoneyFormatError);
  });
});

describe('fromMinor and exponents', () => {
  it.each([
    [5999, 'USD', '59.99'],
    [10, 'USD', '0.10'],
    [5, 'USD', '0.05'],
    [-354, 'USD', '-3.54'],
    [-5, 'USD', '-0.05'],
    [0, 'USD', '0.00'],
    [1500, 'JPY', '1500'],
    [1234, 'KWD', '1.234'],
    [1, 'KWD', '0.001'],
  ])('%i %s → %s', (minor, currency, text) => {
    expect(fromMinor(minor, currency)).toBe(text);
  });

  it('round-trips through toMinor', () => {
    for (const [minor, cur] of [[123456, 'USD'], [-1, 'EUR'], [987, 'JPY'], [1000001, 'KWD']] as const) {
      expect(toMinor(fromMinor(minor, cur), cur)).toBe(minor);
    }
  });

  it('knows the exponents of JPY, KWD and the two-decimal default (case-insensitive)', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('kwd')).toBe(3);
    expect(currencyExponent('USD')).toBe(2);
  });
});
