import { sql } from 'drizzle-orm';
import { parseInterchange, X12Error } from '../../connectors/distributor/x12/parse';
import { build850, read855s, read856s } from '../../connectors/distributor/x12/supplier-edi';
import type { Ctx } from '../context';
import { q, withTransaction } from '../db/transaction';
import { NotFoundError, ValidationError } from '../errors';
import { addPoEvent, getPurchaseOrder, type PurchaseOrder } from './purchase-orders';

/** The X12 850 for a PO whose supplier is an EDI trading partner; null for the others. */
export async function build850ForPurchaseOrder(ctx: Ctx, po: PurchaseOrder): Promise<string | null> {
  const s = await q(ctx).execute(sql`select edi from suppliers where id = ${po.supplierId}`);
  const edi = (s.rows[0] as { edi: Parameters<typeof build850>[1] | null } | undefined)?.edi;
  if (!edi) return null;
  const seq = await q(ctx).execute(sql`select seq from purchase_orders where id = ${po.id}`);
  const titles = await q(ctx).execute(sql`
    select sku, title from products where sku in (select jsonb_array_elements_text(${JSON.stringify(po.lines.map((l) => l.sku))}::jsonb))`);
  const title = new Map((titles.rows as Array<{ sku: string; title: string }>).map((r) => [r.sku, r.title]));
  const first = po.lines[0];
  const wh = first ? await q(ctx).execute(sql`select code, name from warehouses where id = ${first.warehouseId}`) : null;
  const w = wh?.rows[0] as { code: string; name: string } | undefined;
  return build850({
    number: po.number, date: ctx.now().toISOString(), currency: po.currency, shipTo: w ? { code: w.code, name: w.name } : null,
    lines: po.lines.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity, unitCostMinor: l.unitCostMinor, sku: l.sku, supplierSku: l.supplierSku, expectedDate: l.expectedDate, description: title.get(l.sku) ?? null })),
  }, edi, { now: ctx.now(), controlNumber: Number((seq.rows[0] as { seq: number }).seq) });
}

export interface EdiApplied {
  acknowledgements: Array<{ poNumber: string; status: string; lines: number; found: boolean }>;
  shipNotices: Array<{ shipmentId: string; poNumber: string; units: number; expectedOn: string | null; found: boolean }>;
}

/**
 * Reads a supplier's interchange and applies it: an 855 sets each line's acknowledgement (accepted,
 * rejected, changed quantity), an 856 adds shipped quantities; both land on the PO timeline (the
 * ship notice with its estimated delivery date). Expected dates on the lines stay as ordered, so
 * on-time rates measure against what was agreed. Unknown PO numbers are reported, not fatal.
 */
export async function applySupplierEdi(ctx: Ctx, text: string): Promise<EdiApplied> {
  let ic;
  try {
    ic = parseInterchange(text);
  } catch (err) {
    if (err instanceof X12Error) throw new ValidationError([{ path: 'body', message: err.message }], `Not a valid X12 interchange: ${err.message}`);
    throw err;
  }
  const acks = read855s(ic);
  const asns = read856s(ic);
  if (acks.length === 0 && asns.length === 0) throw new ValidationError([{ path: 'body', message: 'no 855 or 856 transaction set' }]);
  const out: EdiApplied = { acknowledgements: [], shipNotices: [] };
  await withTransaction(ctx, async (tx) => {
    for (const a of acks) {
      const po = (await tx.execute(sql`select id from purchase_orders where number = ${a.poNumber}`)).rows[0] as { id: string } | undefined;
      out.acknowledgements.push({ poNumber: a.poNumber, status: a.status, lines: a.lines.length, found: !!po });
      if (!po) continue;
      for (const l of a.lines) {
        await tx.execute(sql`update purchase_order_lines set ack_status = ${l.status}, ack_quantity = ${l.quantity}
          where purchase_order_id = ${po.id} and line_no = ${l.lineNo}`);
      }
      const summary = a.lines.map((l) => `line ${l.lineNo} ${l.status}${l.quantity !== null ? ` ${l.quantity}` : ''}`).join(', ');
      await addPoEvent(ctx, tx, po.id, 'edi_855', `Supplier acknowledged (855 ${a.purpose}): ${a.status}${summary ? `; ${summary}` : ''}.`, { purpose: a.purpose, status: a.status, lines: a.lines });
    }
    for (const n of asns) for (const o of n.orders) {
      const po = (await tx.execute(sql`select id from purchase_orders where number = ${o.poNumber}`)).rows[0] as { id: string } | undefined;
      const units = o.lines.reduce((s, l) => s + l.quantity, 0);
      out.shipNotices.push({ shipmentId: n.shipmentId, poNumber: o.poNumber, units, expectedOn: n.expectedOn, found: !!po });
      if (!po) continue;
      for (const l of o.lines) {
        await tx.execute(sql`update purchase_order_lines set shipped_quantity = shipped_quantity + ${l.quantity}
          where purchase_order_id = ${po.id} and ${l.lineNo !== null ? sql`line_no = ${l.lineNo}` : sql`(sku = ${l.sku} or supplier_sku = ${l.supplierSku})`}`);
      }
      await addPoEvent(ctx, tx, po.id, 'edi_856',
        `Ship notice ${n.shipmentId}: ${units} unit(s) shipped${n.shippedOn ? ` on ${n.shippedOn}` : ''}${n.expectedOn ? `, expected ${n.expectedOn}` : ''}.`,
        { shipmentId: n.shipmentId, shippedOn: n.shippedOn, expectedOn: n.expectedOn, lines: o.lines });
    }
  });
  return out;
}

/** The stored 850 of a sent PO (404 when the supplier is not an EDI partner or the PO was not sent). */
export async function getEdi850(ctx: Ctx, idOrNumber: string): Promise<string> {
  const po = await getPurchaseOrder(ctx, idOrNumber);
  const r = await q(ctx).execute(sql`select edi_850 from purchase_orders where id = ${po.id}`);
  const text = (r.rows[0] as { edi_850: string | null } | undefined)?.edi_850;
  if (!text) throw new NotFoundError('X12 850 of purchase order', po.number);
  return text;
}
