import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { decodeKeyset, encodeKeyset, keysetDate, keysetUuid } from '../db/keyset';
import { inTx, type Ctx } from '../context';
import { q, withTransaction, type Tx } from '../db/transaction';
import type { BillLineFlag } from '../db/schema/payables';
import { convertExact, rateOf, rateText } from '../domain/fx-rates';
import { reverseLines } from '../domain/ledger';
import { matchLine, termsDays } from '../domain/payables';
import { addDays } from '../domain/receivables';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { emitEvents } from '../outbound/emit-event';
import { getPurchaseOrder } from '../purchasing/purchase-orders';
import { resolveSupplier } from '../purchasing/suppliers';
import { getCompanySettings } from './company-settings';
import { loadRateBook } from './fx-rates';
import { postJournal, type JournalLineInput } from './post-journal';
import { CalendarDay } from '../domain/calendar-day';

/**
 * Supplier bills from received purchase orders, matched three ways: each billed line against its PO
 * line (price) and the receipts of it (quantity, less what other bills already billed). A bill that
 * matches is opened and booked at once; one with variances waits as a draft until someone approves
 * it explicitly (who, when and why are kept). Opening books Dr inventory at the PO cost, the price
 * variance to its own account, Cr payables, all in the functional currency at the bill's rate.
 */

export const Day = CalendarDay;
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');
const Minor = z.number().int().nonnegative().refine(Number.isSafeInteger, 'too large');
/** Units of the functional currency per unit of the document's, as a plain decimal ("1.0850"): exact, never a float. */
export const RateText = z.string().trim().regex(/^\d{1,12}(\.\d{1,12})?$/, 'a plain positive decimal such as 1.0850').refine((s) => /[1-9]/.test(s), 'must not be zero');

export function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  return r.data;
}
const isUuid = (s: string) => z.string().uuid().safeParse(s).success;
const ymd = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/**
 * The rate (functional per unit of `currency`) on `date`: the one given, else the rate book's; a
 * missing rate is a 400 naming `field`, so the person can type the bank's rate.
 */
export async function bookingRate(ctx: Ctx, currency: string, functional: string, date: string, given: string | undefined, field: string): Promise<string> {
  if (currency === functional) return '1';
  if (given) return given;
  const rate = (await loadRateBook(ctx, date)).rate(currency, functional, date);
  if (!rate) throw new ValidationError([{ path: field, message: `no ${currency}/${functional} rate is known on or before ${date}; give ${field}` }]);
  return rateText(rate, 12);
}

export const RecordBillInput = z.object({
  /** The received PO (id or number): supplier and currency come from it. */
  purchaseOrder: z.string().trim().min(1).max(200),
  /** The supplier's invoice number (unique per supplier). */
  number: z.string().trim().min(1).max(100),
  issueDate: Day,
  /** Default: issue date + the supplier's payment terms (NET30 …); required when the supplier has none. */
  dueDate: Day.optional(),
  /** When given, must be the PO's currency. */
  currency: Currency.optional(),
  /** Override of the day's rate (functional per unit of the bill currency). */
  fxRate: RateText.optional(),
  lines: z.array(z.object({
    /** The PO line (id) or its line number. */
    poLineId: z.string().uuid().optional(),
    lineNo: z.number().int().positive().optional(),
    quantity: z.number().int().positive().max(1_000_000_000),
    /** Billed unit price in the bill currency's minor units; default: the PO price. */
    unitPriceMinor: Minor.optional(),
  }).refine((l) => l.poLineId || l.lineNo, { message: 'poLineId or lineNo is required', path: ['lineNo'] })).min(1).max(1000),
  notes: z.string().max(2000).optional(),
  /** Keep even a matched bill as a draft (approve it later). */
  draft: z.boolean().default(false),
}).refine((b) => !b.dueDate || b.dueDate >= b.issueDate, { message: 'must not be before issueDate', path: ['dueDate'] });

export type BillLine = ReturnType<typeof presentLine>;
const presentLine = (r: Record<string, unknown>) => ({
  id: String(r.id), lineNo: Number(r.line_no), poLineId: String(r.po_line_id), sku: String(r.sku),
  quantity: Number(r.quantity), unitPriceMinor: Number(r.unit_price_minor), amountMinor: Number(r.amount_minor),
  poUnitPriceMinor: Number(r.po_unit_price_minor), receivedQuantity: Number(r.received_quantity),
  quantityVariance: Number(r.quantity_variance), priceVarianceMinor: Number(r.price_variance_minor),
  flags: ((typeof r.flags === 'string' ? JSON.parse(r.flags) : r.flags) ?? []) as BillLineFlag[],
});

export type Bill = ReturnType<typeof presentBill>;
export const presentBill = (r: Record<string, unknown>) => ({
  id: String(r.id), number: String(r.number), supplierId: String(r.supplier_id),
  supplierCode: (r.supplier_code as string | undefined) ?? null, supplierName: (r.supplier_name as string | undefined) ?? null,
  purchaseOrderId: String(r.purchase_order_id), purchaseOrderNumber: (r.po_number as string | undefined) ?? null,
  currency: String(r.currency), issueDate: ymd(r.issue_date), dueDate: ymd(r.due_date), termsDays: r.terms_days === null ? null : Number(r.terms_days),
  totalMinor: Number(r.total_minor), paidMinor: Number(r.paid_minor), outstandingMinor: Number(r.total_minor) - Number(r.paid_minor),
  priceVarianceMinor: Number(r.price_variance_minor),
  functionalCurrency: String(r.functional_currency), fxRate: String(r.fx_rate),
  functionalTotalMinor: Number(r.functional_total_minor), functionalPaidMinor: Number(r.functional_paid_minor),
  status: String(r.status), matchStatus: String(r.match_status),
  approvedBy: (r.approved_by as string | null) ?? null, approvedAt: iso(r.approved_at), approvalNote: (r.approval_note as string | null) ?? null,
  journalId: (r.journal_id as string | null) ?? null, voidJournalId: (r.void_journal_id as string | null) ?? null,
  voidedBy: (r.voided_by as string | null) ?? null, voidedAt: iso(r.voided_at), notes: (r.notes as string | null) ?? null,
  createdAt: iso(r.created_at),
});

const billSelect = sql`select b.*, s.code as supplier_code, s.name as supplier_name, p.number as po_number
  from bills b join suppliers s on s.id = b.supplier_id join purchase_orders p on p.id = b.purchase_order_id`;

async function loadBill(db: Tx, id: string): Promise<Bill & { lines: BillLine[] }> {
  const res = await db.execute(sql`${billSelect} where b.id = ${id}`);
  if (!res.rows[0]) throw new NotFoundError('bill', id);
  const lines = await db.execute(sql`select * from bill_lines where bill_id = ${id} order by line_no`);
  return { ...presentBill(res.rows[0] as Record<string, unknown>), lines: (lines.rows as Record<string, unknown>[]).map(presentLine) };
}

/** Accepted (received into stock) per PO line, and what non-void bills other than `exceptBill` already billed of it. */
async function billable(db: Tx, poId: string, exceptBill?: string) {
  const res = await db.execute(sql`
    select l.id, l.line_no, l.sku, l.quantity, l.unit_cost_minor, l.accepted_quantity,
      coalesce((select sum(bl.quantity) from bill_lines bl join bills b on b.id = bl.bill_id
                where bl.po_line_id = l.id and b.status <> 'void' ${exceptBill ? sql`and b.id <> ${exceptBill}` : sql``}), 0)::int as billed
    from purchase_order_lines l where l.purchase_order_id = ${poId} order by l.line_no`);
  return (res.rows as Array<Record<string, unknown>>).map((r) => ({
    id: String(r.id), lineNo: Number(r.line_no), sku: String(r.sku), ordered: Number(r.quantity), unitCostMinor: Number(r.unit_cost_minor),
    accepted: Number(r.accepted_quantity), billed: Number(r.billed), billable: Math.max(0, Number(r.accepted_quantity) - Number(r.billed)),
  }));
}

const RECEIVED = ['partially_received', 'received', 'closed'];

/**
 * What a bill for this PO would say if it billed exactly what was received and not yet billed, at
 * the PO's prices: the form's starting point.
 */
export async function billPrefill(ctx: Ctx, purchaseOrder: string, issueDate?: string) {
  const po = await getPurchaseOrder(ctx, purchaseOrder);
  const supplier = await resolveSupplier(ctx, po.supplierId);
  const lines = await billable(q(ctx), po.id);
  const date = issueDate ?? ctx.now().toISOString().slice(0, 10);
  const terms = termsDays(supplier.paymentTerms);
  const functionalCurrency = (await getCompanySettings(ctx)).functionalCurrency;
  return {
    purchaseOrderId: po.id, purchaseOrderNumber: po.number, status: po.status, receivable: RECEIVED.includes(po.status),
    supplierId: supplier.id, supplierCode: supplier.code, supplierName: supplier.name, currency: po.currency, functionalCurrency,
    paymentTerms: supplier.paymentTerms, termsDays: terms, issueDate: date, dueDate: terms === null ? null : addDays(date, terms),
    lines: lines.map((l) => ({ poLineId: l.id, lineNo: l.lineNo, sku: l.sku, ordered: l.ordered, received: l.accepted, billed: l.billed, quantity: l.billable, unitPriceMinor: l.unitCostMinor })),
  };
}

/** Records a supplier bill against a received PO, matched three ways; opens it when it matches (unless `draft`). */
export async function recordBill(ctx: Ctx, input: unknown): Promise<{ bill: Bill & { lines: BillLine[] }; created: boolean }> {
  const d = parse(RecordBillInput, input);
  const settings = await getCompanySettings(ctx);
  const po = await getPurchaseOrder(ctx, d.purchaseOrder).catch((err) => {
    if (err instanceof NotFoundError) throw new ValidationError([{ path: 'purchaseOrder', message: 'no such purchase order' }]);
    throw err;
  });
  if (d.currency && d.currency !== po.currency) throw new ValidationError([{ path: 'currency', message: `the purchase order is in ${po.currency}` }]);
  const supplier = await resolveSupplier(ctx, po.supplierId);
  const terms = d.dueDate ? null : termsDays(supplier.paymentTerms);
  if (!d.dueDate && terms === null) {
    throw new ValidationError([{ path: 'dueDate', message: `${supplier.code} has no payment terms we can read (${supplier.paymentTerms ?? 'none'}); give dueDate` }]);
  }
  const dueDate = d.dueDate ?? addDays(d.issueDate, terms!);
  const functional = settings.functionalCurrency;
  const fxRate = await bookingRate(ctx, po.currency, functional, d.issueDate, d.fxRate, 'fxRate');

  const out = await withTransaction(ctx, async (tx) => {
    const c = inTx(ctx, tx);
    // Lock the PO: two bills for one PO queue here, so neither bills what the other just billed.
    const head = (await tx.execute(sql`select status, number from purchase_orders where id = ${po.id} for update`)).rows[0] as { status: string; number: string };
    if (!RECEIVED.includes(head.status)) {
      throw new ConflictError('purchase_order_not_received', `${head.number} is ${head.status}; bills are recorded against received goods.`, { status: head.status }, [{ path: 'purchaseOrder', message: `${head.number} is ${head.status}` }]);
    }
    const poLines = await billable(tx, po.id);
    const seen = new Set<string>();
    const rows = d.lines.map((l, i) => {
      const pl = poLines.find((x) => (l.poLineId ? x.id === l.poLineId : x.lineNo === l.lineNo));
      if (!pl) throw new ValidationError([{ path: `lines.${i}.${l.poLineId ? 'poLineId' : 'lineNo'}`, message: `no such line on ${head.number}` }]);
      if (seen.has(pl.id)) throw new ValidationError([{ path: `lines.${i}`, message: 'each PO line once per bill' }]);
      seen.add(pl.id);
      const price = l.unitPriceMinor ?? pl.unitCostMinor;
      const m = matchLine({ billedQuantity: l.quantity, billedUnitPriceMinor: price, poUnitPriceMinor: pl.unitCostMinor, billableQuantity: pl.billable, priceTolerancePercent: settings.billPriceTolerancePercent });
      return { lineNo: i + 1, pl, quantity: l.quantity, price, amount: l.quantity * price, ...m };
    });
    const total = rows.reduce((s, r) => s + r.amount, 0);
    if (total <= 0) throw new ValidationError([{ path: 'lines', message: 'a bill must be for more than zero' }]);
    if (!Number.isSafeInteger(total)) throw new ValidationError([{ path: 'lines', message: 'too large' }]);
    const variance = rows.reduce((s, r) => s + r.priceVarianceMinor, 0);
    const matchStatus = rows.some((r) => r.flags.length > 0) ? 'variance' : 'matched';
    const functionalTotal = convertExact(total, po.currency, functional, rateOf(fxRate));

    const ins = await tx.execute(sql`
      insert into bills (supplier_id, purchase_order_id, number, currency, issue_date, due_date, terms_days, total_minor, price_variance_minor,
                         functional_currency, fx_rate, functional_total_minor, status, match_status, notes, created_by)
      values (${po.supplierId}, ${po.id}, ${d.number}, ${po.currency}, ${d.issueDate}, ${dueDate}, ${terms}, ${total}, ${variance},
              ${functional}, ${fxRate}, ${functionalTotal}, 'draft', ${matchStatus}, ${d.notes ?? null}, ${ctx.actor ?? null})
      on conflict (supplier_id, number) do nothing returning id`);
    if (!ins.rows[0]) {
      // A retried request finds the first bill; the same number with other content is a mistake to show.
      const ex = (await tx.execute(sql`select id, purchase_order_id, total_minor from bills where supplier_id = ${po.supplierId} and number = ${d.number}`)).rows[0] as { id: string; purchase_order_id: string; total_minor: number };
      if (String(ex.purchase_order_id) !== po.id || Number(ex.total_minor) !== total) {
        throw new ConflictError('bill_number_taken', `${supplier.code} bill ${d.number} is already recorded with other content.`, { billId: String(ex.id) }, [{ path: 'number', message: 'already recorded for this supplier' }]);
      }
      return { bill: await loadBill(tx, String(ex.id)), created: false, opened: false };
    }
    const billId = String((ins.rows[0] as { id: string }).id);
    await tx.execute(sql`
      insert into bill_lines (bill_id, line_no, po_line_id, sku, quantity, unit_price_minor, amount_minor, po_unit_price_minor, received_quantity,
                              quantity_variance, price_variance_minor, flags)
      select ${billId}::uuid, x.line_no, x.po_line_id, x.sku, x.quantity, x.unit_price_minor, x.amount_minor, x.po_unit_price_minor, x.received_quantity,
             x.quantity_variance, x.price_variance_minor, x.flags
      from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({
        line_no: r.lineNo, po_line_id: r.pl.id, sku: r.pl.sku, quantity: r.quantity, unit_price_minor: r.price, amount_minor: r.amount,
        po_unit_price_minor: r.pl.unitCostMinor, received_quantity: r.pl.billable, quantity_variance: r.quantityVariance,
        price_variance_minor: r.priceVarianceMinor, flags: r.flags,
      })))}::jsonb) as x(line_no int, po_line_id uuid, sku text, quantity int, unit_price_minor bigint, amount_minor bigint,
                        po_unit_price_minor bigint, received_quantity int, quantity_variance int, price_variance_minor bigint, flags jsonb)`);
    const opened = matchStatus === 'matched' && !d.draft;
    if (opened) await openInTx(c, tx, billId, null);
    return { bill: await loadBill(tx, billId), created: true, opened };
  });
  if (out.opened) await emitOpened(ctx, out.bill);
  return { bill: out.bill, created: out.created };
}

const emitOpened = (ctx: Ctx, b: Bill) => emitEvents(ctx, [{ type: 'bill.opened', data: {
  billId: b.id, number: b.number, supplierId: b.supplierId, purchaseOrderId: b.purchaseOrderId, totalMinor: b.totalMinor, currency: b.currency,
  dueDate: b.dueDate, matchStatus: b.matchStatus,
} }]);

/**
 * The bill's posting, in the functional currency at the bill's rate: Dr inventory at the PO cost of
 * what was billed (the cost receipts already gave the stock), Dr (or Cr, when cheaper) purchase price
 * variance for the difference to what the supplier asks, Cr payables for the bill total. The variance
 * is taken from the money (rounding included), so the entry always balances.
 */
function billPosting(b: { number: string; currency: string; functional_currency: string; fx_rate: string; functional_total_minor: number; total_minor: number }, lines: Array<{ quantity: number; po_unit_price_minor: number }>): JournalLineInput[] {
  const cur = String(b.currency), fn = String(b.functional_currency), rate = rateOf(String(b.fx_rate));
  const atPo = lines.reduce((s, l) => s + Number(l.quantity) * Number(l.po_unit_price_minor), 0);
  const total = Number(b.total_minor);
  const fnTotal = Number(b.functional_total_minor);
  const fnPo = convertExact(atPo, cur, fn, rate);
  const ppv = fnTotal - fnPo;
  const pres = (m: number) => (cur === fn ? {} : { presentmentMinor: m, presentmentCurrency: cur });
  const memo = `Bill ${b.number}`;
  return [
    { role: 'inventory', debitMinor: fnPo, creditMinor: 0, currency: fn, memo, ...pres(atPo) },
    { role: 'purchase_price_variance', debitMinor: Math.max(ppv, 0), creditMinor: Math.max(-ppv, 0), currency: fn, memo, ...pres(Math.abs(total - atPo)) },
    { role: 'payables', debitMinor: 0, creditMinor: fnTotal, currency: fn, memo, ...pres(total) },
  ];
}

/** draft → open, guarded in the statement (a second click or a concurrent approval gets a 409), then the posting. */
async function openInTx(c: Ctx, tx: Tx, billId: string, note: string | null): Promise<void> {
  const up = await tx.execute(sql`
    update bills set status = 'open', approved_by = ${c.actor ?? 'system'}, approved_at = ${c.now().toISOString()}::timestamptz,
      approval_note = ${note}, updated_at = now()
    where id = ${billId} and status = 'draft' returning *`);
  const b = up.rows[0] as Record<string, unknown> | undefined;
  if (!b) {
    const cur = (await tx.execute(sql`select status from bills where id = ${billId}`)).rows[0] as { status: string } | undefined;
    if (!cur) throw new NotFoundError('bill', billId);
    throw new ConflictError('bill_status', `The bill is ${cur.status}; only a draft can be approved.`, { status: cur.status });
  }
  const lines = await tx.execute(sql`select quantity, po_unit_price_minor from bill_lines where bill_id = ${billId}`);
  const supplier = (await tx.execute(sql`select code from suppliers where id = ${String(b.supplier_id)}`)).rows[0] as { code: string };
  const j = await postJournal(c, {
    kind: 'bill', entryDate: ymd(b.issue_date), memo: `Bill ${String(b.number)} from ${supplier.code}`, dedupeKey: `bill:${billId}`,
    lines: billPosting(b as never, lines.rows as never),
  });
  await tx.execute(sql`update bills set journal_id = ${j.id} where id = ${billId}`);
}

export const ApproveBillInput = z.object({
  /** Why a bill with variances is accepted (required then: the audit trail needs it). */
  note: z.string().trim().max(1000).optional(),
});

/** Approves a draft bill (explicitly accepting its variances, if any): it opens and posts. */
export async function approveBill(ctx: Ctx, id: string, input: unknown) {
  const d = parse(ApproveBillInput, input);
  if (!isUuid(id)) throw new NotFoundError('bill', id);
  const bill = await withTransaction(ctx, async (tx) => {
    const cur = (await tx.execute(sql`select match_status from bills where id = ${id}`)).rows[0] as { match_status: string } | undefined;
    if (!cur) throw new NotFoundError('bill', id);
    if (cur.match_status === 'variance' && !d.note) throw new ValidationError([{ path: 'note', message: 'say why a bill with variances is approved' }]);
    await openInTx(inTx(ctx, tx), tx, id, d.note ?? null);
    return loadBill(tx, id);
  });
  await emitOpened(ctx, bill);
  return bill;
}

export const VoidBillInput = z.object({ reason: z.string().trim().max(1000).optional() });

/** Voids a bill nothing was paid on; a posted bill gets a reversing entry. */
export async function voidBill(ctx: Ctx, id: string, input: unknown) {
  const d = parse(VoidBillInput, input);
  if (!isUuid(id)) throw new NotFoundError('bill', id);
  return withTransaction(ctx, async (tx) => {
    // Guarded: a payment applied concurrently makes paid_minor > 0 and this finds no row.
    const up = await tx.execute(sql`
      update bills set status = 'void', voided_by = ${ctx.actor ?? 'system'}, voided_at = ${ctx.now().toISOString()}::timestamptz,
        notes = coalesce(${d.reason ?? null}, notes), updated_at = now()
      where id = ${id} and status in ('draft', 'open') and paid_minor = 0 returning *`);
    const b = up.rows[0] as Record<string, unknown> | undefined;
    if (!b) {
      const cur = (await tx.execute(sql`select status from bills where id = ${id}`)).rows[0] as { status: string } | undefined;
      if (!cur) throw new NotFoundError('bill', id);
      throw new ConflictError('bill_status', `The bill is ${cur.status}; only a draft or an unpaid open bill can be voided.`, { status: cur.status });
    }
    if (b.journal_id) {
      const lines = await tx.execute(sql`select quantity, po_unit_price_minor from bill_lines where bill_id = ${id}`);
      const today = ctx.now().toISOString().slice(0, 10);
      const date = today > ymd(b.issue_date) ? today : ymd(b.issue_date);
      const j = await postJournal(inTx(ctx, tx), {
        kind: 'bill_void', entryDate: date, memo: `Void of bill ${String(b.number)}${d.reason ? `: ${d.reason}` : ''}`, dedupeKey: `bill-void:${id}`,
        lines: reverseLines(billPosting(b as never, lines.rows as never)),
      });
      await tx.execute(sql`update journal_entries set status = 'reversed' where id = ${String(b.journal_id)}`);
      await tx.execute(sql`update journal_entries set reverses_id = ${String(b.journal_id)} where id = ${j.id}`);
      await tx.execute(sql`update bills set void_journal_id = ${j.id} where id = ${id}`);
    }
    return loadBill(tx, id);
  });
}

export const ListBillsQuery = z.object({
  /** `unpaid` = open or partially paid; `overdue` = unpaid and due before `at`. */
  status: z.enum(['draft', 'open', 'partially_paid', 'paid', 'void', 'unpaid', 'overdue']).optional(),
  supplier: z.string().max(200).optional(),
  matchStatus: z.enum(['matched', 'variance']).optional(),
  at: Day.optional(),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Bills by due date (then supplier and number), keyset-paginated (`nextCursor`). */
export async function listBills(ctx: Ctx, query: unknown) {
  const f = parse(ListBillsQuery, query);
  const where: SQL[] = [sql`true`];
  if (f.status === 'unpaid') where.push(sql`b.status in ('open', 'partially_paid')`);
  else if (f.status === 'overdue') where.push(sql`b.status in ('open', 'partially_paid') and b.due_date < ${f.at ?? ctx.now().toISOString().slice(0, 10)}::date`);
  else if (f.status) where.push(sql`b.status = ${f.status}`);
  if (f.supplier) where.push(isUuid(f.supplier) ? sql`b.supplier_id = ${f.supplier}` : sql`s.code = ${f.supplier}`);
  if (f.matchStatus) where.push(sql`b.match_status = ${f.matchStatus}`);
  if (f.cursor) {
    const [due, code, number, id] = decodeKeyset(f.cursor, 4) as [string, string, string, string];
    where.push(sql`(b.due_date, s.code, b.number, b.id) > (${keysetDate(due)}::date, ${code}, ${number}, ${keysetUuid(id)}::uuid)`);
  }
  const res = await q(ctx).execute(sql`${billSelect} where ${sql.join(where, sql` and `)} order by b.due_date, s.code, b.number, b.id limit ${f.limit + 1}`);
  const rows = res.rows as Record<string, unknown>[];
  const lastRow = rows.length > f.limit ? rows[f.limit - 1] : undefined;
  const nextCursor = lastRow ? encodeKeyset([ymd(lastRow.due_date), String(lastRow.supplier_code), String(lastRow.number), String(lastRow.id)]) : null;
  const items = rows.slice(0, f.limit).map(presentBill);
  // Flags per bill, for the list's badges (one query for the page).
  const flags = items.length === 0 ? [] : (await q(ctx).execute(sql`
    select bill_id, jsonb_agg(distinct f) as flags from bill_lines, jsonb_array_elements_text(flags) f
    where bill_id in (select jsonb_array_elements_text(${JSON.stringify(items.map((i) => i.id))}::jsonb)::uuid) group by bill_id`)).rows as Array<{ bill_id: string; flags: unknown }>;
  const byBill = new Map(flags.map((r) => [String(r.bill_id), ((typeof r.flags === 'string' ? JSON.parse(r.flags) : r.flags) as BillLineFlag[]).sort()]));
  return { items: items.map((b) => ({ ...b, flags: byBill.get(b.id) ?? [] })), nextCursor };
}

export async function getBill(ctx: Ctx, id: string) {
  if (!isUuid(id)) throw new NotFoundError('bill', id);
  const bill = await loadBill(q(ctx), id);
  const apps = await q(ctx).execute(sql`
    select a.id, a.payment_id, p.reference, a.amount_minor, a.functional_minor, a.booked_functional_minor, a.applied_date
    from supplier_payment_applications a join supplier_payments p on p.id = a.payment_id where a.bill_id = ${id} order by a.created_at`);
  return {
    ...bill,
    payments: (apps.rows as Record<string, unknown>[]).map((a) => ({
      applicationId: String(a.id), paymentId: String(a.payment_id), reference: String(a.reference), amountMinor: Number(a.amount_minor),
      functionalMinor: Number(a.functional_minor), bookedFunctionalMinor: Number(a.booked_functional_minor),
      fxMinor: Number(a.functional_minor) - Number(a.booked_functional_minor), appliedDate: ymd(a.applied_date),
    })),
  };
}
