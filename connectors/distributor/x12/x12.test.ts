import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeDistributorOrder } from '../transform';
import { build855, build997 } from './acks';
import { el, parseInterchange, X12Error } from './parse';
import { read850s } from './po850';

const FIXTURE = readFileSync(new URL('../../../../shared/fixtures/edi/x12_850_purchase_order.edi', import.meta.url), 'utf8');
const now = new Date('2026-11-27T10:05:00Z');
const opts = { defaultCurrency: 'USD', defaultCountry: 'US' };

/** Rewrites the fixture with other separators (same fixed-width ISA), as some partners send. */
function withSeparators(text: string, element: string, segment: string, component: string): string {
  const isa = text.slice(0, 106);
  const rest = text.slice(106);
  const newIsa = isa.slice(0, 104).replaceAll('*', element) + component + segment;
  return newIsa + rest.replaceAll('*', element).replaceAll('~', segment);
}

describe('X12 850 reading', () => {
  it('reads the envelope, BEG, ship-to and every PO1 line of the sample purchase order', () => {
    const ic = parseInterchange(FIXTURE);
    expect(ic.separators).toEqual({ element: '*', component: '>', segment: '~', repetition: null });
    expect(ic).toMatchObject({ senderId: '4405197800', receiverId: '999999999', controlNumber: '000003438', usage: 'P' });
    expect(ic.groups).toHaveLength(1);
    expect(ic.groups[0]).toMatchObject({ functionalId: 'PO', controlNumber: '1421', version: '004010VICS' });
    const [r] = read850s(ic, opts);
    expect(r!.problems).toEqual([]);
    const o = r!.order!;
    expect(o).toMatchObject({ orderId: '08292233294', placedAt: '2010-11-27T00:00:00Z', currency: 'USD', purpose: '00' });
    expect(o.shipTo).toMatchObject({ name: 'XYZ RETAIL', line1: '31875 SOLON RD', city: 'SOLON', region: 'OH', postalCode: '44139', country: 'US' });
    expect(o.lines.map((l) => [l.lineId, l.quantity, l.unit, l.unitPrice, l.sku, l.title])).toEqual([
      ['1', 120, 'EA', '9.25', 'AB3542', 'SMALL WIDGET'],
      ['2', 220, 'EA', '13.79', 'RD5322', 'MEDIUM WIDGET'],
      ['3', 126, 'EA', '10.99', 'XY5266', 'LARGE WIDGET'],
      ['4', 76, 'EA', '4.35', 'VX2332', 'NANO WIDGET'],
      ['5', 72, 'EA', '7.5', 'RV0524', 'BLUE WIDGET'],
      ['6', 696, 'EA', '9.55', 'DX1875', 'ORANGE WIDGET'],
    ]);
    expect(o.lines[0]!.partNumbers).toMatchObject({ CB: '065322-117', VN: 'AB3542' });
  });

  it('normalises to an order whose total equals the AMT segment exactly (13045.94)', () => {
    const [r] = read850s(parseInterchange(FIXTURE), opts);
    const u = normalizeDistributorOrder({ ...r!.order!, receivedAt: now.toISOString(), file: { name: 'po.edi', sha256: 'x' } });
    expect(u.totalMinor).toBe(1_304_594);
    expect(u.lines[4]!.unitPriceMinor).toBe(750);
    expect(u).toMatchObject({ externalId: '08292233294', status: 'open', financialStatus: 'unknown', currency: 'USD' });
  });

  it('takes the buyer part number as the SKU when configured to', () => {
    const [r] = read850s(parseInterchange(FIXTURE), { ...opts, skuQualifiers: ['CB'] });
    expect(r!.order!.lines[0]!.sku).toBe('065322-117');
  });

  it('reads separators from the ISA header (| elements, newline terminators, ^ components)', () => {
    const text = withSeparators(FIXTURE, '|', '\n', '^');
    const ic = parseInterchange(text);
    expect(ic.separators).toMatchObject({ element: '|', segment: '\n', component: '^' });
    expect(read850s(ic, opts)[0]!.order!.lines).toHaveLength(6);
  });

  it('accepts line breaks after each ~ terminator', () => {
    const ic = parseInterchange(FIXTURE.replaceAll('~', '~\r\n'));
    expect(read850s(ic, opts)[0]!.order!.lines).toHaveLength(6);
  });

  it('refuses an envelope whose SE count is wrong, naming the segment', () => {
    expect(() => parseInterchange(FIXTURE.replace('SE*33*', 'SE*32*'))).toThrow(X12Error);
    expect(() => parseInterchange(FIXTURE.replace('SE*33*', 'SE*32*'))).toThrow(/SE01 says 32 segments, the set has 33/);
    expect(() => parseInterchange(FIXTURE.replace('IEA*1*000003438', 'IEA*1*000003439'))).toThrow(/IEA02/);
    expect(() => parseInterchange('not edi at all')).toThrow(/ISA/);
    expect(() => parseInterchange(FIXTURE + FIXTURE)).toThrow(/one interchange per file/);
  });

  it('reports a CTT mismatch and a bad quantity as problems of the set instead of an order', () => {
    const bad = FIXTURE.replace('CTT*6', 'CTT*7').replace('PO1*2*220*', 'PO1*2*2x0*');
    const [r] = read850s(parseInterchange(bad), opts);
    expect(r!.order).toBeNull();
    expect(r!.problems.map((p) => [p.segmentId, p.element])).toEqual([['PO1', 2], ['CTT', 1]]);
  });
});

describe('acknowledgements', () => {
  const ic = parseInterchange(FIXTURE);
  const reads = read850s(ic, opts);

  it('builds a 997 that accepts the set, in a valid envelope addressed back to the sender', () => {
    const text = build997(ic, reads, { now, seed: 'abc' });
    const ack = parseInterchange(text); // checks SE/GE/IEA counts and control numbers
    expect(ack).toMatchObject({ senderId: '999999999', receiverId: '4405197800', usage: 'P' });
    expect(ack.isa.elements[8]).toBe('261127');
    const g = ack.groups[0]!;
    expect(g).toMatchObject({ functionalId: 'FA', sender: '999999999', receiver: '4405197800' });
    const set = g.transactions[0]!;
    expect(set.code).toBe('997');
    expect(set.body.map((s) => [s.id, ...s.elements])).toEqual([
      ['AK1', 'PO', '1421'], ['AK2', '850', '000000010'], ['AK5', 'A'], ['AK9', 'A', '1', '1', '1'],
    ]);
    expect(el(set.se, 1)).toBe('6');
  });

  it('rejects a broken set in the 997 (AK5 R, AK9 R) and sends no 855 for it', () => {
    const bad = parseInterchange(FIXTURE.replace('CTT*6', 'CTT*5'));
    const r = read850s(bad, opts);
    const set = parseInterchange(build997(bad, r, { now, seed: 'x' })).groups[0]!.transactions[0]!;
    expect(set.body.find((s) => s.id === 'AK3')?.elements.slice(0, 2)).toEqual(['CTT', '31']);
    expect(set.body.find((s) => s.id === 'AK5')?.elements).toEqual(['R', '5']);
    expect(set.body.find((s) => s.id === 'AK9')?.elements).toEqual(['R', '1', '1', '0']);
    expect(build855(bad, r, { now, seed: 'x' })).toBeNull();
  });

  it('builds an 855 echoing every line as accepted, with counts and control numbers that check', () => {
    const text = build855(ic, reads, { now, seed: 'abc' })!;
    const ack = parseInterchange(text);
    const set = ack.groups[0]!.transactions[0]!;
    expect(ack.groups[0]!.functionalId).toBe('PR');
    expect(set.code).toBe('855');
    expect(set.body[0]!.elements.slice(0, 4)).toEqual(['00', 'AD', '08292233294', '20101127']);
    const acks = set.body.filter((s) => s.id === 'ACK').map((s) => s.elements);
    expect(acks).toHaveLength(6);
    expect(acks[5]).toEqual(['IA', '696', 'EA']);
    expect(set.body.find((s) => s.id === 'CTT')!.elements).toEqual(['6']);
    expect(Number(el(set.se, 1))).toBe(set.body.length + 2);
  });

  it('gives the same control numbers for the same file and different ones for another', () => {
    const a = parseInterchange(build997(ic, reads, { now, seed: 'file-1' }));
    const b = parseInterchange(build997(ic, reads, { now, seed: 'file-1' }));
    const c = parseInterchange(build997(ic, reads, { now, seed: 'file-2' }));
    expect(a.controlNumber).toBe(b.controlNumber);
    expect(a.controlNumber).not.toBe(c.controlNumber);
    expect(a.controlNumber).toMatch(/^\d{9}$/);
  });
});
