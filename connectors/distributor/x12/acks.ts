import { createHash } from 'node:crypto';
import type { Interchange, Separators } from './parse';
import type { Read850 } from './po850';

export interface AckOptions {
  now: Date;
  /**
   * Seed for the control numbers. Derived from the incoming file's hash, so re-processing the same
   * file produces acknowledgements with the same control numbers (a partner sees a duplicate, not
   * a new interchange) without a counter to store.
   */
  seed: string;
}

function controlNumber(seed: string, salt: string, digits: number): string {
  const h = createHash('sha256').update(`${salt}:${seed}`).digest();
  // 0 is not a valid control number for most partners; stay in 1..10^digits-1.
  const n = (h.readUInt32BE(0) * 4096 + (h.readUInt16BE(4) & 0xfff)) % (10 ** digits - 1);
  return String(n + 1).padStart(digits, '0');
}

const pad = (v: string, width: number) => v.slice(0, width).padEnd(width, ' ');

function stamp(now: Date) {
  const iso = now.toISOString();
  return { yymmdd: iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10), ccyymmdd: iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10), hhmm: iso.slice(11, 13) + iso.slice(14, 16) };
}

/**
 * Writes an interchange back to the sender (sender and receiver swapped) with one functional group
 * of the given sets. SE01 counts ST..SE, GE01 the sets, IEA01 the groups.
 */
function envelope(ic: Interchange, functionalId: string, sets: string[][][], opts: AckOptions, kind: string): string {
  const sep: Separators = ic.separators;
  const e = sep.element;
  const t = { ...stamp(opts.now) };
  const isaCtl = controlNumber(opts.seed, `${kind}:isa`, 9);
  const gsCtl = String(Number(controlNumber(opts.seed, `${kind}:gs`, 9)));
  const firstGroup = ic.groups[0];
  const isa = [
    'ISA', '00', pad('', 10), '00', pad('', 10),
    ic.receiverQualifier, pad(ic.receiverId, 15), ic.senderQualifier, pad(ic.senderId, 15),
    t.yymmdd, t.hhmm, sep.repetition ?? 'U', ic.version || '00401', isaCtl, '0', ic.usage, sep.component,
  ].join(e);
  const out: string[] = [isa];
  out.push(['GS', functionalId, firstGroup?.receiver ?? ic.receiverId, firstGroup?.sender ?? ic.senderId, t.ccyymmdd, t.hhmm, gsCtl, 'X', firstGroup?.version || '004010'].join(e));
  sets.forEach((segments, idx) => {
    const stCtl = String(idx + 1).padStart(4, '0');
    const body = segments.map((s) => s.join(e));
    out.push(['ST', functionalId === 'FA' ? '997' : '855', stCtl].join(e));
    out.push(...body);
    out.push(['SE', String(body.length + 2), stCtl].join(e));
  });
  out.push(['GE', String(sets.length), gsCtl].join(e));
  out.push(['IEA', '1', isaCtl].join(e));
  const term = sep.segment;
  return out.join(term) + term;
}

/**
 * 997 functional acknowledgement: one AK1 per received group, AK2/AK5 per set (A accepted, R
 * rejected with AK502 = 5 "one or more segments in error"), AK9 with the counts.
 */
export function build997(ic: Interchange, reads: Read850[], opts: AckOptions): string {
  const sets: string[][][] = [];
  for (const g of ic.groups) {
    const segs: string[][] = [['AK1', g.functionalId, g.controlNumber]];
    let accepted = 0;
    for (const t of g.transactions) {
      const r = reads.find((x) => x.set === t);
      const ok = !!r && r.problems.length === 0;
      segs.push(['AK2', t.code, t.controlNumber]);
      for (const p of r?.problems ?? []) {
        // AK3: segment id, position in the set (ST = 1), error 8 "segment has data element errors".
        segs.push(['AK3', p.segmentId, String(p.position - t.st.position + 1), '', '8']);
      }
      segs.push(ok ? ['AK5', 'A'] : ['AK5', 'R', '5']);
      if (ok) accepted++;
    }
    const n = String(g.transactions.length);
    const status = accepted === g.transactions.length ? 'A' : accepted === 0 ? 'R' : 'P';
    segs.push(['AK9', status, n, n, String(accepted)]);
    sets.push(segs);
  }
  return envelope(ic, 'FA', sets, opts, '997');
}

/**
 * 855 purchase order acknowledgement for each accepted 850: BAK (AD = accepted, detail, no change),
 * every line echoed with ACK*IA (item accepted) and the quantity, CTT with the line count.
 */
export function build855(ic: Interchange, reads: Read850[], opts: AckOptions): string | null {
  const sets: string[][][] = [];
  const ack = stamp(opts.now).ccyymmdd;
  for (const r of reads) {
    if (!r.order) continue;
    const o = r.order;
    const segs: string[][] = [['BAK', '00', 'AD', o.orderId, o.placedAt.slice(0, 10).replaceAll('-', ''), '', '', '', '', ack]];
    for (const l of o.lines) {
      const ids = Object.entries(l.partNumbers).flat();
      segs.push(['PO1', l.lineId, String(l.quantity), l.unit ?? 'EA', l.unitPrice, '', ...ids]);
      segs.push(['ACK', 'IA', String(l.quantity), l.unit ?? 'EA']);
    }
    segs.push(['CTT', String(o.lines.length)]);
    sets.push(segs);
  }
  if (sets.length === 0) return null;
  return envelope(ic, 'PR', sets, opts, '855');
}
