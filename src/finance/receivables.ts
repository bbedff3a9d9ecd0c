import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { decodeKeyset, encodeKeyset, keysetDate, keysetUuid } from '../db/keyset';
import { ymd } from '../purchasing/parse-input';
import type { Ctx } from '../context';
import { q, withTransaction } from '../db/transaction';
import { inTx } from '../context';
import { convertExact, rateOf } from '../domain/fx-rates';
import { shareOf } from '../domain/payables';
import { addDays } from '../domain/receivables';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { emitEvents } from '../outbound/emit-event';
import { bookingRate, RateText } from './bills';
import { getCompanySettings } from './company-settings';
import { postJournal } from './post-journal';
import { CalendarDay } from '../domain/calendar-day';

/**
 * Receivables: invoices on credit terms, customer payments applied to one or many invoices (partly
 * or wholly), credit notes. Every document posts to the ledger once (its dedupe key); every
 * application is guarded in the UPDATE itself, so no invoice is ever over-applied and no payment
 * applied beyond its amount, whatever runs concurrently (CHECK constraints back both).
 *
 * Like payables, a document in another currency is booked in the functional currency at its day's
 * rate (the document amount kept as presentment): an invoice at the issue date's rate, a payment at
 * the received date's. Applying a payment relieves customer credits at the payment's rate and
 * receivables at the invoice's booked rate; the difference is realised FX (Cr fx = gain, Dr fx = loss).
 */

const Day = CalendarDay;
const Minor = z.number().int().nonnegative().refine(Number.isSafeInteger, 'too large');
const Positive = z.number().int().positive().refine(Number.isSafeInteger, 'too large');
const Currency = z.string().regex(/^[A-Z]{3}$/);

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  return r.data;
}
const isUuid = (s: string) => z.string().uuid().safeParse(s).success;

export const IssueInvoiceInput = z.object({
  /** Invoice an order (B2B / distributor): amounts, currency, customer and channel come from it. */
  orderId: z.string().uuid().optional(),
  customerRef: z.string().trim().min(1).max(200).optional(),
  customerName: z.string().trim().max(200).optional(),
  currency: Currency.optional(),
  netMinor: Minor.optional(),
  shippingMinor: Minor.default(0),
  taxMinor: Minor.default(0),
  issueDate: Day,
  /** The customer's credit terms in days; default: the company setting. Stored on the invoice. */
  termsDays: z.number().int().min(0).max(365).optional(),
  channel: z.string().trim().max(100).optional(),
  /** Override of the issue date's rate (functional per unit of the invoice currency). */
  fxRate: RateText.optional(),
}).refine((i) => i.orderId || (i.customerRef && i.currency && i.netMinor !== undefined), { message: 'give orderId, or customerRef, currency and netMinor', path: ['orderId'] });

export type Invoice = ReturnType<typeof presentInvoice>;
export const presentInvoice = (r: Record<string, unknown>) => ({
  id: String(r.id), number: String(r.number), orderId: (r.order_id as string | null) ?? null, customerRef: String(r.customer_ref),
  customerName: (r.customer_name as string | null) ?? null, channel: (r.channel as string | null) ?? null, currency: String(r.currency),
  issueDate: String(r.issue_date).slice(0, 10), termsDays: Number(r.terms_days), dueDate: String(r.due_date).slice(0, 10),
  netMinor: Number(r.net_minor), shippingMinor: Number(r.shipping_minor), taxMinor: Number(r.tax_minor), totalMinor: Number(r.total_minor),
  paidMinor: Number(r.paid_minor), creditedMinor: Number(r.credited_minor),
  outstandingMinor: Number(r.total_minor) - Number(r.paid_minor) - Number(r.credited_minor), status: String(r.status),
  functionalCurrency: String(r.functional_currency), fxRate: String(r.fx_rate), functionalTotalMinor: Number(r.functional_total_minor),
  functionalSettledMinor: Number(r.functional_settled_minor),
  journalId: (r.journal_id as string | null) ?? null,
});

/** Issues an invoice (one per order: a second request for the same order returns the first) and posts AR. */
export async function issueInvoice(ctx: Ctx, input: unknown): Promise<{ invoice: Invoice; created: boolean }> {
  const r = await issueInvoiceTx(ctx, input);
  if (r.created) await emitEvents(ctx, [{ type: 'invoice.issued', data: { invoiceId: r.invoice.id, number: r.invoice.number, customerRef: r.invoice.customerRef, totalMinor: r.invoice.totalMinor, currency: r.invoice.currency, dueDate: r.invoice.dueDate } }]);
  return r;
}

async function issueInvoiceTx(ctx: Ctx, input: unknown): Promise<{ invoice: Invoice; created: boolean }> {
  const d = parse(IssueInvoiceInput, input);
  const settings = await getCompanySettings(ctx);
  return withTransaction(ctx, async (tx) => {
    const c = inTx(ctx, tx);
    let doc = {
      customerRef: d.customerRef, customerName: d.customerName ?? null, currency: d.currency, channel: d.channel ?? 'b2b',
      net: d.netMinor ?? 0, shipping: d.shippingMinor, tax: d.taxMinor,
    };
    if (d.orderId) {
      const existing = await tx.execute(sql`select * from invoices where order_id = ${d.orderId}`);
      if (existing.rows[0]) return { invoice: presentInvoice(existing.rows[0] as Record<string, unknown>), created: false };
      const o = (await tx.execute(sql`select * from orders where id = ${d.orderId}`)).rows[0] as Record<string, unknown> | undefined;
      if (!o) throw new NotFoundError('order', d.orderId);
      const total = Number(o.total_minor), shipping = Number(o.shipping_minor), tax = Number(o.tax_minor);
      doc = {
        customerRef: d.customerRef ?? (o.customer_email as string | null) ?? `order:${String(o.id)}`,
        customerName: d.customerName ?? (o.customer_name as string | null) ?? null, currency: String(o.currency), channel: d.channel ?? String(o.channel),
        net: total - shipping - tax, shipping, tax,
      };
    }
    const cur = doc.currency!;
    const fn = settings.functionalCurrency;
    const rateText = await bookingRate(c, cur, fn, d.issueDate, d.fxRate, 'fxRate');
    const rate = rateOf(rateText);
    // Each part converted on its own, so sales, shipping and tax show their exact booked amounts; AR is their sum.
    const fnNet = convertExact(doc.net, cur, fn, rate), fnShipping = convertExact(doc.shipping, cur, fn, rate), fnTax = convertExact(doc.tax, cur, fn, rate);
    const fnTotal = fnNet + fnShipping + fnTax;
    const terms = d.termsDays ?? settings.defaultTermsDays;
    const seq = await tx.execute(sql`select nextval('invoice_number_seq')::bigint as n`);
    const number = `${settings.invoicePrefix}${String((seq.rows[0] as { n: number }).n)}`;
    const total = doc.net + doc.shipping + doc.tax;
    if (total <= 0) throw new ValidationError([{ path: 'netMinor', message: 'an invoice must be for more than zero' }]);
    const ins = await tx.execute(sql`
      insert into invoices (number, order_id, customer_ref, customer_name, channel, currency, issue_date, terms_days, due_date,
                            net_minor, shipping_minor, tax_minor, total_minor, functional_currency, fx_rate, functional_total_minor)
      values (${number}, ${d.orderId ?? null}, ${doc.customerRef!}, ${doc.customerName}, ${doc.channel}, ${cur}, ${d.issueDate}, ${terms},
              ${addDays(d.issueDate, terms)}, ${doc.net}, ${doc.shipping}, ${doc.tax}, ${total}, ${fn}, ${rateText}, ${fnTotal})
      returning *`);
    const row = ins.rows[0] as Record<string, unknown>;
    const pres = (m: number) => (cur === fn ? {} : { presentmentMinor: m, presentmentCurrency: cur });
    const j = await postJournal(c, {
      kind: 'invoice', entryDate: d.issueDate, memo: `Invoice ${number} · ${doc.customerRef}`, dedupeKey: `invoice:${String(row.id)}`, channel: doc.channel,
      lines: [
        { role: 'receivables', debitMinor: fnTotal, creditMinor: 0, currency: fn, memo: number, ...pres(total) },
        { role: 'sales', debitMinor: 0, creditMinor: fnNet, currency: fn, memo: number, ...pres(doc.net) },
        { role: 'shipping_income', debitMinor: 0, creditMinor: fnShipping, currency: fn, memo: number, ...pres(doc.shipping) },
        { role: 'tax_payable', debitMinor: 0, creditMinor: fnTax, currency: fn, memo: number, ...pres(doc.tax) },
      ],
    });
    const up = await tx.execute(sql`update invoices set journal_id = ${j.id} where id = ${String(row.id)} returning *`);
    return { invoice: presentInvoice(up.rows[0] as Record<string, unknown>), created: true };
  });
}

export const ListInvoicesQuery = z.object({
  status: z.enum(['open', 'paid', 'void', 'overdue']).optional(),
  customerRef: z.string().max(200).optional(),
  /** For `overdue`: due before this date (default today). */
  at: Day.optional(),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Invoices by due date (then number), keyset-paginated (`nextCursor`). */
export async function listInvoices(ctx: Ctx, query: unknown) {
  const f = parse(ListInvoicesQuery, query);
  const where: SQL[] = [sql`true`];
  if (f.status === 'overdue') where.push(sql`status = 'open' and due_date < ${f.at ?? ctx.now().toISOString().slice(0, 10)}::date`);
  else if (f.status) where.push(sql`status = ${f.status}`);
  if (f.customerRef) where.push(sql`customer_ref = ${f.customerRef}`);
  if (f.cursor) {
    const [due, number, id] = decodeKeyset(f.cursor, 3) as [string, string, string];
    where.push(sql`(due_date, number, id) > (${keysetDate(due)}::date, ${number}, ${keysetUuid(id)}::uuid)`);
  }
  const res = await q(ctx).execute(sql`select * from invoices where ${sql.join(where, sql` and `)} order by due_date, number, id limit ${f.limit + 1}`);
  const rows = res.rows as Record<string, unknown>[];
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    items: page.map(presentInvoice),
    nextCursor: rows.length > f.limit && last ? encodeKeyset([ymd(last.due_date), String(last.number), String(last.id)]) : null,
  };
}

export async function getInvoice(ctx: Ctx, id: string) {
  if (!isUuid(id)) throw new NotFoundError('invoice', id);
  const res = await q(ctx).execute(sql`select * from invoices where id = ${id}`);
  if (!res.rows[0]) throw new NotFoundError('invoice', id);
  const alloc = await q(ctx).execute(sql`
    select a.id, a.payment_id, p.reference, a.amount_minor, a.applied_date, a.functional_minor, a.booked_functional_minor from payment_allocations a join customer_payments p on p.id = a.payment_id
    where a.invoice_id = ${id} order by a.created_at`);
  const notes = await q(ctx).execute(sql`select id, number, amount_minor, issue_date, reason, functional_minor from credit_notes where invoice_id = ${id} order by created_at`);
  return {
    ...presentInvoice(res.rows[0] as Record<string, unknown>),
    payments: (alloc.rows as Record<string, unknown>[]).map((a) => ({ allocationId: String(a.id), paymentId: String(a.payment_id), reference: String(a.reference), amountMinor: Number(a.amount_minor), appliedDate: String(a.applied_date).slice(0, 10),
      functionalMinor: Number(a.functional_minor), bookedFunctionalMinor: Number(a.booked_functional_minor), fxMinor: Number(a.functional_minor) - Number(a.booked_functional_minor) })),
    creditNotes: (notes.rows as Record<string, unknown>[]).map((n) => ({ id: String(n.id), number: String(n.number), amountMinor: Number(n.amount_minor), issueDate: String(n.issue_date).slice(0, 10), reason: String(n.reason), functionalMinor: Number(n.functional_minor) })),
  };
}

const Application = z.object({ invoiceId: z.string().uuid(), amountMinor: Positive });

export const ReceivePaymentInput = z.object({
  customerRef: z.string().trim().min(1).max(200),
  /** The bank reference; a retried request with the same (customer, reference) finds the first. */
  reference: z.string().trim().min(1).max(200),
  currency: Currency,
  amountMinor: Positive,
  receivedDate: Day,
  /** Override of the received date's rate (functional per unit of the payment currency), e.g. the bank's. */
  fxRate: RateText.optional(),
  applications: z.array(Application).max(500).default([]),
});

const presentPayment = (r: Record<string, unknown>) => ({
  id: String(r.id), reference: String(r.reference), customerRef: String(r.customer_ref), currency: String(r.currency),
  amountMinor: Number(r.amount_minor), appliedMinor: Number(r.applied_minor), unappliedMinor: Number(r.amount_minor) - Number(r.applied_minor),
  receivedDate: String(r.received_date).slice(0, 10), functionalCurrency: String(r.functional_currency), fxRate: String(r.fx_rate),
  functionalAmountMinor: Number(r.functional_amount_minor), journalId: (r.journal_id as string | null) ?? null,
});

/**
 * Records money received (Dr bank, Cr customer prepayments) and applies it to invoices in the same
 * transaction. What is not applied stays on the payment for later applications.
 */
export async function receivePayment(ctx: Ctx, input: unknown) {
  const d = parse(ReceivePaymentInput, input);
  const fn = (await getCompanySettings(ctx)).functionalCurrency;
  const rateText = await bookingRate(ctx, d.currency, fn, d.receivedDate, d.fxRate, 'fxRate');
  const fnAmount = convertExact(d.amountMinor, d.currency, fn, rateOf(rateText));
  const pres = d.currency === fn ? {} : { presentmentMinor: d.amountMinor, presentmentCurrency: d.currency };
  const out = await withTransaction(ctx, async (tx) => {
    const c = inTx(ctx, tx);
    const ins = await tx.execute(sql`
      insert into customer_payments (reference, customer_ref, currency, amount_minor, received_date, functional_currency, fx_rate, functional_amount_minor)
      values (${d.reference}, ${d.customerRef}, ${d.currency}, ${d.amountMinor}, ${d.receivedDate}, ${fn}, ${rateText}, ${fnAmount})
      on conflict (customer_ref, reference) do nothing returning *`);
    if (!ins.rows[0]) {
      const ex = await tx.execute(sql`select * from customer_payments where customer_ref = ${d.customerRef} and reference = ${d.reference}`);
      const p = presentPayment(ex.rows[0] as Record<string, unknown>);
      if (p.amountMinor !== d.amountMinor || p.currency !== d.currency) throw new ConflictError('reference_reused', 'This payment reference was recorded with another amount.');
      return { payment: p, replayed: true };
    }
    const p = ins.rows[0] as Record<string, unknown>;
    const j = await postJournal(c, {
      kind: 'payment', entryDate: d.receivedDate, memo: `Payment ${d.reference} from ${d.customerRef}`, dedupeKey: `payment:${String(p.id)}`,
      lines: [
        { role: 'bank', debitMinor: fnAmount, creditMinor: 0, currency: fn, memo: d.reference, ...pres },
        { role: 'customer_credits', debitMinor: 0, creditMinor: fnAmount, currency: fn, memo: d.reference, ...pres },
      ],
    });
    await tx.execute(sql`update customer_payments set journal_id = ${j.id} where id = ${String(p.id)}`);
    if (d.applications.length) await applyInTx(c, tx, String(p.id), d.applications, d.receivedDate);
    const fresh = await tx.execute(sql`select * from customer_payments where id = ${String(p.id)}`);
    return { payment: presentPayment(fresh.rows[0] as Record<string, unknown>), replayed: false };
  });
  if (!out.replayed) await emitEvents(ctx, [{ type: 'payment.received', data: { paymentId: out.payment.id, customerRef: out.payment.customerRef, amountMinor: out.payment.amountMinor, appliedMinor: out.payment.appliedMinor, currency: out.payment.currency } }]);
  return out;
}

export const ApplyPaymentInput = z.object({ applications: z.array(Application).min(1).max(500), date: Day.optional() });

/** Applies (more of) a recorded payment to invoices. */
export async function applyPayment(ctx: Ctx, paymentId: string, input: unknown) {
  const d = parse(ApplyPaymentInput, input);
  if (!isUuid(paymentId)) throw new NotFoundError('payment', paymentId);
  return withTransaction(ctx, async (tx) => {
    const c = inTx(ctx, tx);
    const p = (await tx.execute(sql`select * from customer_payments where id = ${paymentId}`)).rows[0] as Record<string, unknown> | undefined;
    if (!p) throw new NotFoundError('payment', paymentId);
    const date = d.date ?? ctx.now().toISOString().slice(0, 10);
    await applyInTx(c, tx, paymentId, d.applications, date);
    const fresh = await tx.execute(sql`select * from customer_payments where id = ${paymentId}`);
    return { payment: presentPayment(fresh.rows[0] as Record<string, unknown>) };
  });
}

async function applyInTx(c: Ctx, tx: Ctx['db'], paymentId: string, apps: Array<{ invoiceId: string; amountMinor: number }>, date: string): Promise<void> {
  const total = apps.reduce((s, a) => s + a.amountMinor, 0);
  // The payment is never applied beyond its amount: the guard is in the statement, not a prior read.
  // It also returns the state before this application (the row lock holds it for the shares below).
  const pay = await tx.execute(sql`
    update customer_payments set applied_minor = applied_minor + ${total}
    where id = ${paymentId} and applied_minor + ${total} <= amount_minor
    returning currency, customer_ref, reference, amount_minor, applied_minor - ${total} as applied_before, functional_currency, functional_amount_minor`);
  const p = pay.rows[0] as { currency: string; reference: string; amount_minor: number; applied_before: number; functional_currency: string; functional_amount_minor: number } | undefined;
  if (!p) throw new ConflictError('payment_over_applied', `Applying ${total} would exceed what is left on the payment.`);
  const fn = String(p.functional_currency), amount = Number(p.amount_minor), fnAmount = Number(p.functional_amount_minor);
  let cum = Number(p.applied_before);
  let fnTotal = 0, bookedTotal = 0;
  const rows: Array<{ invoice_id: string; amount_minor: number; functional_minor: number; booked_functional_minor: number }> = [];
  for (const [i, a] of apps.entries()) {
    // Same currency, still open, and never over-applied: one guarded UPDATE (concurrent applications cannot both pass).
    // The booked share is cumulative over what was settled, so the last settlement relieves exactly what is left.
    const up = await tx.execute(sql`
      update invoices set paid_minor = paid_minor + ${a.amountMinor},
        status = case when paid_minor + credited_minor + ${a.amountMinor} = total_minor then 'paid' else 'open' end, updated_at = now()
      where id = ${a.invoiceId} and status = 'open' and currency = ${p.currency} and functional_currency = ${fn}
        and paid_minor + credited_minor + ${a.amountMinor} <= total_minor
      returning id, number, functional_total_minor, total_minor, paid_minor + credited_minor - ${a.amountMinor} as settled_before`);
    const inv = up.rows[0] as { number: string; functional_total_minor: number; total_minor: number; settled_before: number } | undefined;
    if (!inv) {
      const ex = (await tx.execute(sql`select currency, functional_currency, status, total_minor - paid_minor - credited_minor as open from invoices where id = ${a.invoiceId}`)).rows[0] as { currency: string; functional_currency: string; status: string; open: number } | undefined;
      if (!ex) throw new ValidationError([{ path: `applications.${i}.invoiceId`, message: 'no such invoice' }]);
      if (ex.currency !== p.currency) throw new ValidationError([{ path: `applications.${i}.invoiceId`, message: `the invoice is in ${ex.currency}, the payment in ${p.currency}` }]);
      if (ex.functional_currency !== fn) {
        throw new ConflictError('ledger_currency_mismatch', `The invoice was booked in ${ex.functional_currency}, the payment in ${fn} (the functional currency changed between them); settle it with a manual journal.`, { invoiceId: a.invoiceId }, [{ path: `applications.${i}.invoiceId`, message: `booked in ${ex.functional_currency}` }]);
      }
      throw new ConflictError('invoice_over_applied', `Invoice ${a.invoiceId} has ${Number(ex.open)} outstanding (${ex.status}); ${a.amountMinor} cannot be applied.`, { invoiceId: a.invoiceId, outstandingMinor: Number(ex.open) });
    }
    const invFn = Number(inv.functional_total_minor), invTotal = Number(inv.total_minor), before = Number(inv.settled_before);
    const booked = shareOf(invFn, before + a.amountMinor, invTotal) - shareOf(invFn, before, invTotal);
    // This part of the payment at the payment's rate, split the same cumulative way over its applications.
    const fnPart = shareOf(fnAmount, cum + a.amountMinor, amount) - shareOf(fnAmount, cum, amount);
    cum += a.amountMinor;
    fnTotal += fnPart;
    bookedTotal += booked;
    // The invoice row is locked by the UPDATE above: this second write cannot interleave with another settlement.
    await tx.execute(sql`update invoices set functional_settled_minor = functional_settled_minor + ${booked} where id = ${a.invoiceId}`);
    rows.push({ invoice_id: a.invoiceId, amount_minor: a.amountMinor, functional_minor: fnPart, booked_functional_minor: booked });
  }
  await tx.execute(sql`update customer_payments set functional_applied_minor = functional_applied_minor + ${fnTotal} where id = ${paymentId}`);
  const ins = await tx.execute(sql`
    insert into payment_allocations (payment_id, invoice_id, amount_minor, applied_date, functional_minor, booked_functional_minor)
    select ${paymentId}::uuid, x.invoice_id, x.amount_minor, ${date}::date, x.functional_minor, x.booked_functional_minor
    from jsonb_to_recordset(${JSON.stringify(rows.map((r, n) => ({ ...r, n })))}::jsonb) as x(invoice_id uuid, amount_minor bigint, functional_minor bigint, booked_functional_minor bigint, n int)
    order by x.n returning id`);
  const ids = (ins.rows as Array<{ id: string }>).map((r) => String(r.id));
  const fx = fnTotal - bookedTotal;
  const pres = (m: number) => (p.currency === fn ? {} : { presentmentMinor: m, presentmentCurrency: p.currency });
  const j = await postJournal(c, {
    kind: 'payment_application', entryDate: date, memo: `Payment ${p.reference} applied to ${apps.length} invoice(s)`, dedupeKey: `apply:${ids[0]}`,
    lines: [
      { role: 'customer_credits', debitMinor: fnTotal, creditMinor: 0, currency: fn, memo: p.reference, ...pres(total) },
      { role: 'receivables', debitMinor: 0, creditMinor: bookedTotal, currency: fn, memo: p.reference, ...pres(total) },
      // Realised FX: receiving more in the functional currency than was booked is a gain (credit).
      { role: 'fx', debitMinor: Math.max(-fx, 0), creditMinor: Math.max(fx, 0), currency: fn, memo: p.reference },
    ],
  });
  await tx.execute(sql`update payment_allocations set journal_id = ${j.id} where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`);
}

export const ListPaymentsQuery = z.object({
  customerRef: z.string().max(200).optional(),
  unapplied: z.enum(['true', 'false']).optional(),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Payments received, newest first (then reference), keyset-paginated (`nextCursor`). */
export async function listPayments(ctx: Ctx, query: unknown) {
  const f = parse(ListPaymentsQuery, query);
  const where: SQL[] = [sql`true`];
  if (f.customerRef) where.push(sql`customer_ref = ${f.customerRef}`);
  if (f.unapplied === 'true') where.push(sql`applied_minor < amount_minor`);
  if (f.cursor) {
    const [day, reference, id] = decodeKeyset(f.cursor, 3) as [string, string, string];
    keysetDate(day);
    where.push(sql`(received_date < ${day}::date or (received_date = ${day}::date and (reference, id) > (${reference}, ${keysetUuid(id)}::uuid)))`);
  }
  const res = await q(ctx).execute(sql`select * from customer_payments where ${sql.join(where, sql` and `)} order by received_date desc, reference, id limit ${f.limit + 1}`);
  const rows = res.rows as Record<string, unknown>[];
  const last = rows.length > f.limit ? rows[f.limit - 1] : undefined;
  return {
    items: rows.slice(0, f.limit).map(presentPayment),
    nextCursor: last ? encodeKeyset([ymd(last.received_date), String(last.reference), String(last.id)]) : null,
  };
}

export const CreditNoteInput = z.object({
  invoiceId: z.string().uuid(),
  amountMinor: Positive,
  issueDate: Day,
  reason: z.string().trim().min(1).max(500),
});

/** A credit note (a return, a correction) lowers what the invoice asks: Dr refunds, Cr receivables. Guarded like a payment. */
export async function issueCreditNote(ctx: Ctx, input: unknown) {
  const d = parse(CreditNoteInput, input);
  return withTransaction(ctx, async (tx) => {
    const up = await tx.execute(sql`
      update invoices set credited_minor = credited_minor + ${d.amountMinor},
        status = case when paid_minor + credited_minor + ${d.amountMinor} = total_minor then 'paid' else 'open' end, updated_at = now()
      where id = ${d.invoiceId} and status = 'open' and paid_minor + credited_minor + ${d.amountMinor} <= total_minor
      returning number, currency, channel, functional_currency, functional_total_minor, total_minor, paid_minor + credited_minor - ${d.amountMinor} as settled_before`);
    const inv = up.rows[0] as { number: string; currency: string; channel: string | null; functional_currency: string; functional_total_minor: number; total_minor: number; settled_before: number } | undefined;
    if (!inv) {
      const ex = await tx.execute(sql`select total_minor - paid_minor - credited_minor as open from invoices where id = ${d.invoiceId}`);
      if (!ex.rows[0]) throw new NotFoundError('invoice', d.invoiceId);
      throw new ConflictError('invoice_over_applied', `The invoice has ${Number((ex.rows[0] as { open: number }).open)} outstanding; a credit note of ${d.amountMinor} would exceed it.`);
    }
    const seq = await tx.execute(sql`select nextval('credit_note_number_seq')::bigint as n`);
    const number = `CN-${String((seq.rows[0] as { n: number }).n)}`;
    // Relieved at the invoice's booked rate (cumulative share, like payments): no FX arises on a credit note.
    const fn = inv.functional_currency, before = Number(inv.settled_before);
    const booked = shareOf(Number(inv.functional_total_minor), before + d.amountMinor, Number(inv.total_minor)) - shareOf(Number(inv.functional_total_minor), before, Number(inv.total_minor));
    const pres = inv.currency === fn ? {} : { presentmentMinor: d.amountMinor, presentmentCurrency: inv.currency };
    await tx.execute(sql`update invoices set functional_settled_minor = functional_settled_minor + ${booked} where id = ${d.invoiceId}`);
    const ins = await tx.execute(sql`
      insert into credit_notes (number, invoice_id, amount_minor, currency, issue_date, reason, functional_minor)
      values (${number}, ${d.invoiceId}, ${d.amountMinor}, ${inv.currency}, ${d.issueDate}, ${d.reason}, ${booked}) returning id`);
    const id = String((ins.rows[0] as { id: string }).id);
    const j = await postJournal(inTx(ctx, tx), {
      kind: 'credit_note', entryDate: d.issueDate, memo: `Credit note ${number} on ${inv.number}: ${d.reason}`, dedupeKey: `credit-note:${id}`, channel: inv.channel,
      lines: [
        { role: 'refunds', debitMinor: booked, creditMinor: 0, currency: fn, memo: number, ...pres },
        { role: 'receivables', debitMinor: 0, creditMinor: booked, currency: fn, memo: number, ...pres },
      ],
    });
    await tx.execute(sql`update credit_notes set journal_id = ${j.id} where id = ${id}`);
    return { id, number, invoiceId: d.invoiceId, amountMinor: d.amountMinor, currency: inv.currency, functionalCurrency: fn, functionalMinor: booked, issueDate: d.issueDate, journalId: j.id };
  });
}
