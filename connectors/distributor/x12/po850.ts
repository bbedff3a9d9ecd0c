import { MoneyFormatError, toMinor } from '../../../src/domain/money';
import type { DistributorAddress, DistributorLine, DistributorOrder } from '../order-record';
import { el, type Interchange, type Segment, type TransactionSet } from './parse';

/** Item id qualifiers in PO1 (pairs from PO106/PO107 on), in the order we take one as our SKU. */
export const DEFAULT_SKU_QUALIFIERS = ['VN', 'VP', 'SK', 'IN', 'BP', 'UP', 'EN', 'CB'] as const;

export interface SetProblem {
  /** 1-based position of the segment in the interchange. */
  position: number;
  segmentId: string;
  element?: number;
  message: string;
}

export interface Read850 {
  set: TransactionSet;
  groupControlNumber: string;
  order: Omit<DistributorOrder, 'file' | 'receivedAt'> | null;
  /** Problems that make the set unusable (it is rejected in the 997). */
  problems: SetProblem[];
}

function ccyymmdd(v: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T00:00:00Z`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

function addressFrom(n1: Segment, rest: Segment[]): DistributorAddress {
  const n3 = rest.find((s) => s.id === 'N3');
  const n4 = rest.find((s) => s.id === 'N4');
  const per = rest.find((s) => s.id === 'PER');
  return {
    name: el(n1, 2) || null,
    line1: n3 ? el(n3, 1) || null : null,
    line2: n3 ? el(n3, 2) || null : null,
    city: n4 ? el(n4, 1) || null : null,
    region: n4 ? el(n4, 2) || null : null,
    postalCode: n4 ? el(n4, 3) || null : null,
    country: n4 ? el(n4, 4) || null : null,
    phone: per && el(per, 3) === 'TE' ? el(per, 4) || null : null,
  };
}

/**
 * Reads one 850 transaction set into a distributor order: BEG (purpose, PO number, date), CUR,
 * N1 loops (ST ship-to with N3/N4, BT bill-to, BY buyer), PO1 lines with PID descriptions, CTT.
 * Problems are collected (with the segment position) instead of thrown, so the 997 can say which
 * set was rejected and the file report can say why.
 */
export function read850(set: TransactionSet, groupControlNumber: string, opts: { defaultCurrency: string; defaultCountry?: string; skuQualifiers?: readonly string[] }): Read850 {
  const problems: SetProblem[] = [];
  const problem = (seg: Segment, message: string, element?: number) => problems.push({ position: seg.position, segmentId: seg.id, element, message });
  if (set.code !== '850') {
    problem(set.st, `transaction set ${set.code} is not a purchase order (850)`, 1);
    return { set, groupControlNumber, order: null, problems };
  }
  const beg = set.body.find((s) => s.id === 'BEG');
  if (!beg) {
    problem(set.st, 'the purchase order has no BEG segment');
    return { set, groupControlNumber, order: null, problems };
  }
  const poNumber = el(beg, 3);
  if (!poNumber) problem(beg, 'BEG03 (purchase order number) is empty', 3);
  const placedAt = ccyymmdd(el(beg, 5));
  if (!placedAt) problem(beg, `BEG05 (purchase order date) ${JSON.stringify(el(beg, 5))} is not CCYYMMDD`, 5);
  const cur = set.body.find((s) => s.id === 'CUR' && el(s, 1) === 'BY') ?? set.body.find((s) => s.id === 'CUR');
  const currency = (cur ? el(cur, 2) : '') || opts.defaultCurrency;

  const qualifiers = opts.skuQualifiers ?? DEFAULT_SKU_QUALIFIERS;
  const lines: DistributorLine[] = [];
  const addresses: Record<string, DistributorAddress> = {};
  let ctt: Segment | undefined;
  for (let i = 0; i < set.body.length; i++) {
    const seg = set.body[i]!;
    if (seg.id === 'N1') {
      // The N1 loop runs until the next N1 or the first PO1.
      const loop: Segment[] = [];
      for (let j = i + 1; j < set.body.length && !['N1', 'PO1', 'CTT'].includes(set.body[j]!.id); j++) loop.push(set.body[j]!);
      addresses[el(seg, 1)] = addressFrom(seg, loop);
    } else if (seg.id === 'PO1') {
      const lineId = el(seg, 1) || String(lines.length + 1);
      const qtyText = el(seg, 2);
      const quantity = Number(qtyText);
      if (!/^\d+$/.test(qtyText) || quantity <= 0) problem(seg, `PO102 (quantity) ${JSON.stringify(qtyText)} is not a positive whole number`, 2);
      const unitPrice = el(seg, 4);
      try {
        toMinor(unitPrice, currency);
      } catch (err) {
        problem(seg, `PO104 (unit price): ${err instanceof MoneyFormatError ? err.message : String(err)}`, 4);
      }
      const partNumbers: Record<string, string> = {};
      for (let k = 6; k + 1 <= seg.elements.length; k += 2) {
        const q = el(seg, k);
        const v = el(seg, k + 1);
        if (q && v && !(q in partNumbers)) partNumbers[q] = v;
      }
      const skuQ = qualifiers.find((q) => partNumbers[q]);
      // PID (free-form description) follows its PO1 until the next PO1.
      let title: string | null = null;
      for (let j = i + 1; j < set.body.length && set.body[j]!.id !== 'PO1'; j++) {
        const s = set.body[j]!;
        if (s.id === 'PID' && el(s, 5)) {
          title = el(s, 5);
          break;
        }
      }
      lines.push({ lineId, sku: skuQ ? partNumbers[skuQ] : null, title, quantity, unit: el(seg, 3) || null, unitPrice, partNumbers });
    } else if (seg.id === 'CTT') {
      ctt = seg;
    }
  }
  if (lines.length === 0) problem(beg, 'the purchase order has no PO1 lines');
  if (ctt && Number(el(ctt, 1)) !== lines.length) problem(ctt, `CTT01 says ${el(ctt, 1)} line items, the order has ${lines.length}`, 1);

  const shipTo = addresses.ST ?? null;
  if (shipTo && !shipTo.country && opts.defaultCountry) shipTo.country = opts.defaultCountry;
  const buyer = addresses.BY ?? addresses.BT ?? null;
  const order = problems.length > 0 || !placedAt ? null : {
    format: 'x12-850' as const,
    orderId: poNumber,
    placedAt,
    currency,
    purpose: el(beg, 1) || null,
    customer: buyer?.name ? { name: buyer.name } : shipTo?.name ? { name: shipTo.name } : null,
    shipTo,
    billTo: addresses.BT ?? null,
    lines,
  };
  return { set, groupControlNumber, order, problems };
}

/** Every 850 in the interchange. */
export function read850s(ic: Interchange, opts: Parameters<typeof read850>[2]): Read850[] {
  return ic.groups.flatMap((g) => g.transactions.map((t) => read850(t, g.controlNumber, opts)));
}
