/**
 * The buying side of X12, for suppliers who trade by EDI: we write the 850 purchase order and read
 * back their 855 acknowledgement and 856 ship notice. Reuses the interchange reader in parse.ts (the
 * distributor connector reads 850s from customers and writes 997/855 with the same pieces).
 */
import { fromMinor } from '../../../src/domain/money';
import { el, type Interchange, type Segment } from './parse';

export interface Outbound850 {
  number: string;
  /** ISO date-time of the PO (BEG05). */
  date: string;
  currency: string;
  shipTo: { code: string; name: string } | null;
  lines: Array<{ lineNo: number; quantity: number; unitCostMinor: number; sku: string; supplierSku: string | null; expectedDate: string; description?: string | null }>;
}

export interface PartnerIds { senderQualifier: string; senderId: string; receiverQualifier: string; receiverId: string; usage?: 'P' | 'T' }

const pad = (v: string, width: number) => v.slice(0, width).padEnd(width, ' ');
const clean = (v: string) => v.replace(/[*~>^|\r\n]/g, ' ');
const ccyymmdd = (iso: string) => iso.slice(0, 10).replaceAll('-', '');

/**
 * One interchange with one 850: BEG (00 original, SA stand-alone), CUR, N1*ST for the destination,
 * per line PO1 (our line number, quantity, EA, unit price, VP = their part number, SK = our SKU),
 * PID description and DTM*002 (delivery requested) with the line's expected date; CTT line count.
 * `*` elements, `~` segments, `>` components. The control number comes from the PO's sequence.
 */
export function build850(po: Outbound850, ids: PartnerIds, opts: { now: Date; controlNumber: number }): string {
  const e = '*';
  const iso = opts.now.toISOString();
  const yymmdd = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);
  const hhmm = iso.slice(11, 13) + iso.slice(14, 16);
  const ctl = String(opts.controlNumber % 1_000_000_000).padStart(9, '0');
  const gs = String(opts.controlNumber % 1_000_000_000);
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), pad(ids.senderQualifier, 2), pad(ids.senderId, 15), pad(ids.receiverQualifier, 2), pad(ids.receiverId, 15),
    yymmdd, hhmm, 'U', '00401', ctl, '0', ids.usage ?? 'P', '>'].join(e);
  const body: string[][] = [
    ['BEG', '00', 'SA', clean(po.number), '', ccyymmdd(po.date)],
    ['CUR', 'BY', po.currency],
  ];
  if (po.shipTo) body.push(['N1', 'ST', clean(po.shipTo.name), '92', clean(po.shipTo.code)]);
  for (const l of po.lines) {
    body.push(['PO1', String(l.lineNo), String(l.quantity), 'EA', fromMinor(l.unitCostMinor, po.currency), '',
      ...(l.supplierSku ? ['VP', clean(l.supplierSku)] : []), 'SK', clean(l.sku)]);
    if (l.description) body.push(['PID', 'F', '', '', '', clean(l.description)]);
    body.push(['DTM', '002', ccyymmdd(l.expectedDate)]);
  }
  body.push(['CTT', String(po.lines.length)]);
  const segs = [
    isa,
    ['GS', 'PO', ids.senderId, ids.receiverId, ccyymmdd(iso), hhmm, gs, 'X', '004010'].join(e),
    ['ST', '850', '0001'].join(e),
    ...body.map((s) => s.join(e)),
    ['SE', String(body.length + 2), '0001'].join(e),
    ['GE', '1', gs].join(e),
    ['IEA', '1', ctl].join(e),
  ];
  return `${segs.join('~\n')}~\n`;
}

export interface Ack855 {
  poNumber: string;
  /** BAK02: AC accepted with changes, AD accepted, AT accepted, RJ/RD rejected. */
  purpose: string;
  status: 'accepted' | 'rejected' | 'changed';
  lines: Array<{ lineNo: number; status: 'accepted' | 'rejected' | 'changed'; quantity: number | null; code: string }>;
}

/** ACK01 codes: IA/IC/IE accepted (IC/IQ/IB… with changes), IR rejected. */
function ackStatus(code: string): 'accepted' | 'rejected' | 'changed' {
  if (code === 'IR' || code === 'R1' || code === 'R2' || code === 'R3' || code === 'R4') return 'rejected';
  if (code === 'IA' || code === 'IE' || code === 'AC') return 'accepted';
  return 'changed';
}

/** Reads every 855 of an interchange: per PO the header status and, per PO1 line, its ACK. */
export function read855s(ic: Interchange): Ack855[] {
  const out: Ack855[] = [];
  for (const g of ic.groups) for (const t of g.transactions) {
    if (t.code !== '855') continue;
    const bak = t.body.find((s) => s.id === 'BAK');
    if (!bak) continue;
    const purpose = el(bak, 2);
    const lines: Ack855['lines'] = [];
    let current: Segment | null = null;
    for (const s of t.body) {
      if (s.id === 'PO1') current = s;
      else if (s.id === 'ACK' && current) {
        const qty = el(s, 2);
        lines.push({ lineNo: Number(el(current, 1)), status: ackStatus(el(s, 1)), quantity: /^\d+$/.test(qty) ? Number(qty) : null, code: el(s, 1) });
        current = null;
      }
    }
    const status = purpose === 'RJ' || purpose === 'RD' ? 'rejected' : purpose === 'AC' || lines.some((l) => l.status !== 'accepted') ? 'changed' : 'accepted';
    out.push({ poNumber: el(bak, 3), purpose, status, lines });
  }
  return out;
}

export interface Asn856 {
  shipmentId: string;
  shippedOn: string | null;
  /** DTM*017 (estimated delivery), YYYY-MM-DD. */
  expectedOn: string | null;
  orders: Array<{ poNumber: string; lines: Array<{ lineNo: number | null; sku: string | null; supplierSku: string | null; quantity: number }> }>;
}

const toDate = (v: string) => (/^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : null);

/**
 * Reads every 856 of an interchange: BSN shipment id, DTM*011 shipped / DTM*017 estimated delivery,
 * the HL order levels (PRF01 = our PO number) and their item levels (LIN: line number, SK/VP ids;
 * SN1: shipped quantity).
 */
export function read856s(ic: Interchange): Asn856[] {
  const out: Asn856[] = [];
  for (const g of ic.groups) for (const t of g.transactions) {
    if (t.code !== '856') continue;
    const bsn = t.body.find((s) => s.id === 'BSN');
    const asn: Asn856 = { shipmentId: bsn ? el(bsn, 2) : '', shippedOn: null, expectedOn: null, orders: [] };
    let order: Asn856['orders'][number] | null = null;
    let lin: { lineNo: number | null; sku: string | null; supplierSku: string | null } | null = null;
    for (const s of t.body) {
      if (s.id === 'DTM' && el(s, 1) === '011') asn.shippedOn = toDate(el(s, 2));
      else if (s.id === 'DTM' && (el(s, 1) === '017' || el(s, 1) === '067')) asn.expectedOn = toDate(el(s, 2));
      else if (s.id === 'PRF') {
        order = { poNumber: el(s, 1), lines: [] };
        asn.orders.push(order);
      } else if (s.id === 'LIN') {
        const ids: Record<string, string> = {};
        for (let k = 2; k + 1 <= s.elements.length; k += 2) if (el(s, k) && el(s, k + 1)) ids[el(s, k)] = el(s, k + 1);
        lin = { lineNo: /^\d+$/.test(el(s, 1)) ? Number(el(s, 1)) : null, sku: ids.SK ?? null, supplierSku: ids.VP ?? ids.VN ?? null };
      } else if (s.id === 'SN1' && order && lin) {
        const qty = Number(el(s, 2));
        if (Number.isFinite(qty) && qty > 0) order.lines.push({ ...lin, lineNo: lin.lineNo ?? (/^\d+$/.test(el(s, 1)) ? Number(el(s, 1)) : null), quantity: qty });
        lin = null;
      }
    }
    out.push(asn);
  }
  return out;
}
