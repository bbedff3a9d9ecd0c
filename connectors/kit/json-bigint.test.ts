import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonSafe } from './json-bigint';

describe('bigint-safe JSON', () => {
  it('keeps ids beyond 2^53 exact, as strings', () => {
    const v = parseJsonSafe('{"id":820982911946154508,"n":12,"price":"1.00","neg":-9007199254740993,"f":1.5e3}') as Record<string, unknown>;
    expect(v).toEqual({ id: '820982911946154508', n: 12, price: '1.00', neg: '-9007199254740993', f: 1500 });
  });

  it('leaves digits inside strings alone, including escaped quotes', () => {
    const v = parseJsonSafe('{"note":"call 820982911946154508 \\" 1234567890123456789","id":1234567890123456789}');
    expect(v).toEqual({ note: 'call 820982911946154508 " 1234567890123456789', id: '1234567890123456789' });
  });

  it('equals JSON.parse on any JSON without unsafe integers', () => {
    const unsafe = (v: unknown): boolean =>
      typeof v === 'number' ? Number.isInteger(v) && !Number.isSafeInteger(v)
        : Array.isArray(v) ? v.some(unsafe) : typeof v === 'object' && v !== null ? Object.values(v).some(unsafe) : false;
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      fc.pre(!unsafe(value));
      const text = JSON.stringify(value);
      expect(parseJsonSafe(text)).toEqual(JSON.parse(text));
    }), { numRuns: 300 });
  });
});
