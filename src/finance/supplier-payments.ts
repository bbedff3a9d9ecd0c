import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { decodeKeyset, encodeKeyset, keysetDate, keysetUuid } from '../db/keyset';
import { inTx, type Ctx } from '../context';
import { q, withTransaction } from '../db/transaction';
import { convertExact, rateOf } from '../domain/fx-rates';
import { shareOf } from '../domain/payables';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { emitEvents } from '../outbound/emit-event';
import { resolveSupplier } from '../purchasing/suppliers';
import { bookingRate, Currency, Day, parse, RateText } from './bills';
import { getCompanySettings } from './company-settings';
import { postJournal } from './post-journal';

/**
 * Payments made to suppliers. One payment settles one or more bills of that supplier, wholly or in
 * part, in the same transaction. Payables are relieved at each bill's booked rate; the payment
 * leaves the bank at its own rate; the difference is realised FX (Dr fx = loss, Cr fx = gain).
 */

const Positive = z.number().int().positive().refine(Number.isSafeInteger, 'too large');

export const SupplierPaymentInput = z.object({
  /** Supplier id or code. */
  supplier: z.string().trim().min(1).max(200),
  /** The bank reference; a retried request with the same (supplier, reference) finds the first payment. */
  reference: z.string().trim().min(1).max(200),
  currency: Currency,
  /** Optional check: must equal the sum of the applications (the whole payment is applied). */
  amountMinor: Positive.optional(),
  paidDate: Day,
  /** Override of the day's rate (functional per unit of the payment currency), e.g. the bank's. */
  fxRate: RateText.optional(),
  applications: z.array(z.object({ billId: z.string().uuid(), amountMinor: Positive })).min(1).max(500),
}).superRefine((p, ctx) => {
  const sum = p.applications.reduce((s, a) => s + a.amountMinor, 0);
  if (p.amountMinor !== undefined && p.amountMinor !== sum) ctx.addIssue({ code: 'custom', path: ['amountMinor'], message: `must equal the sum of the applications (${sum})` });
  const seen = new Set<string>();
  p.applications.forEach((a, i) => {
    if (seen.has(a.billId)) ctx.addIssue({ code: 'custom', path: ['applications', i, 'billId'], message: 'each bill once per payment' });
    seen.add(a.billId);
  });
});

const ymd = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

export type SupplierPayment = ReturnType<typeof presentPayment>;
const presentPayment = (r: Record<string, unknown>) => ({
  id: String(r.id), supplierId: String(r.supplier_id), supplierCode: (r.supplier_code as string | undefined) ?? null,
  supplierName: (r.supplier_name as string | undefined) ?? null, reference: String(r.reference), currency: String(r.currency),
  amountMinor: Number(r.amount_minor), paidDate: ymd(r.paid_date), functionalCurrency: String(r.functional_currency), fxRate: String(r.fx_rate),
  functionalAmountMinor: Number(r.functional_amount_minor), fxMinor: Number(r.fx_minor), journalId: (r.journal_id as string | null) ?? null,
});

async function withApplications(ctx: Ctx, payments: SupplierPayment[]) {
  if (payments.length === 0) return [];
  const res = await q(ctx).execute(sql`
    select a.payment_id, a.bill_id, b.number, a.amount_minor, a.functional_minor, a.booked_functional_minor
    from supplier_payment_applications a join bills b on b.id = a.bill_id
    where a.payment_id in (select jsonb_array_elements_text(${JSON.stringify(payments.map((p) => p.id))}::jsonb)::uuid) order by a.created_at, b.number`);
  const by = new Map<string, Array<{ billId: string; billNumber: string; amountMinor: number; functionalMinor: number; bookedFunctionalMinor: number; fxMinor: number }>>();
  for (const a of res.rows as Array<Record<string, unknown>>) {
    const k = String(a.payment_id);
    by.set(k, [...(by.get(k) ?? []), {
      billId: String(a.bill_id), billNumber: String(a.number), amountMinor: Number(a.amount_minor), functionalMinor: Number(a.functional_minor),
      bookedFunctionalMinor: Number(a.booked_functional_minor), fxMinor: Number(a.functional_minor) - Number(a.booked_functional_minor),
    }]);
  }
  return payments.map((p) => ({ ...p, applications: by.get(p.id) ?? [] }));
}

/** Records a payment to a supplier and applies it to its bills (open or partly paid, same currency, never beyond what is owed). */
export async function paySupplier(ctx: Ctx, input: unknown) {
  const d = parse(SupplierPaymentInput, input);
  const supplier = await resolveSupplier(ctx, d.supplier).catch((err) => {
    if (err instanceof NotFoundError) throw new ValidationError([{ path: 'supplier', message: 'no such supplier' }]);
    throw err;
  });
  const functional = (await getCompanySettings(ctx)).functionalCurrency;
  const fxRate = await bookingRate(ctx, d.currency, functional, d.paidDate, d.fxRate, 'fxRate');
  const amount = d.applications.reduce((s, a) => s + a.amountMinor, 0);
  const fnAmount = convertExact(amount, d.currency, functional, rateOf(fxRate));

  const out = await withTransaction(ctx, async (tx) => {
    const ins = await tx.execute(sql`
      insert into supplier_payments (supplier_id, reference, currency, amount_minor, paid_date, functional_currency, fx_rate, functional_amount_minor, created_by)
      values (${supplier.id}, ${d.reference}, ${d.currency}, ${amount}, ${d.paidDate}, ${functional}, ${fxRate}, ${fnAmount}, ${ctx.actor ?? null})
      on conflict (supplier_id, reference) do nothing returning id`);
    if (!ins.rows[0]) {
      const ex = (await tx.execute(sql`select * from supplier_payments where supplier_id = ${supplier.id} and reference = ${d.reference}`)).rows[0] as Record<string, unknown>;
      if (Number(ex.amount_minor) !== amount || String(ex.currency) !== d.currency) {
        throw new ConflictError('reference_reused', 'This payment reference was recorded with another amount.', { paymentId: String(ex.id) }, [{ path: 'reference', message: 'already used for another payment to this supplier' }]);
      }
      return { id: String(ex.id), replayed: true };
    }
    const paymentId = String((ins.rows[0] as { id: string }).id);
    // Lock every bill first, in id order: two payments to overlapping bills queue instead of deadlocking.
    const ids = d.applications.map((a) => a.billId);
    const locked = await tx.execute(sql`
      select id, number, supplier_id, currency, status, total_minor, paid_minor, functional_total_minor, functional_paid_minor from bills
      where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid) order by id for update`);
    const bills = new Map((locked.rows as Array<Record<string, unknown>>).map((b) => [String(b.id), b]));
    let cum = 0, fnCum = 0, bookedTotal = 0;
    const apps: Array<{ bill_id: string; amount_minor: number; functional_minor: number; booked_functional_minor: number }> = [];
    const numbers: string[] = [];
    for (const [i, a] of d.applications.entries()) {
      const b = bills.get(a.billId);
      if (!b) throw new ValidationError([{ path: `applications.${i}.billId`, message: 'no such bill' }]);
      if (String(b.supplier_id) !== supplier.id) throw new ValidationError([{ path: `applications.${i}.billId`, message: `bill ${String(b.number)} is not from ${supplier.code}` }]);
      if (String(b.currency) !== d.currency) throw new ValidationError([{ path: `applications.${i}.billId`, message: `bill ${String(b.number)} is in ${String(b.currency)}, the payment in ${d.currency}` }]);
      const status = String(b.status);
      if (status !== 'open' && status !== 'partially_paid') {
        throw new ConflictError('bill_not_payable', `Bill ${String(b.number)} is ${status}; only open or partly paid bills can be paid${status === 'draft' ? ' (approve it first)' : ''}.`, { billId: a.billId, status }, [{ path: `applications.${i}.billId`, message: `the bill is ${status}` }]);
      }
      const total = Number(b.total_minor), paid = Number(b.paid_minor);
      if (paid + a.amountMinor > total) {
        throw new ConflictError('bill_overpaid', `Bill ${String(b.number)} has ${total - paid} outstanding; ${a.amountMinor} cannot be applied.`, { billId: a.billId, outstandingMinor: total - paid }, [{ path: `applications.${i}.amountMinor`, message: `more than the ${total - paid} outstanding` }]);
      }
      // Booked share relieved from payables: cumulative shares of the bill's booked total, so the
      // last payment relieves exactly what is left (no rounding residue stays on a paid bill).
      const fnTotal = Number(b.functional_total_minor);
      const booked = shareOf(fnTotal, paid + a.amountMinor, total) - shareOf(fnTotal, paid, total);
      // The payment's functional amount split the same way over its applications.
      const fnPart = shareOf(fnAmount, cum + a.amountMinor, amount) - fnCum;
      cum += a.amountMinor;
      fnCum += fnPart;
      bookedTotal += booked;
      // Guarded again in the statement (the row is locked, but the invariant lives here and in the CHECKs).
      const up = await tx.execute(sql`
        update bills set paid_minor = paid_minor + ${a.amountMinor}, functional_paid_minor = functional_paid_minor + ${booked},
          status = case when paid_minor + ${a.amountMinor} = total_minor then 'paid' else 'partially_paid' end, updated_at = now()
        where id = ${a.billId} and status in ('open', 'partially_paid') and paid_minor + ${a.amountMinor} <= total_minor returning id`);
      if (!up.rows[0]) throw new ConflictError('bill_overpaid', `Bill ${String(b.number)} changed while paying; retry.`, { billId: a.billId }, [{ path: `applications.${i}.amountMinor`, message: 'the bill changed' }]);
      apps.push({ bill_id: a.billId, amount_minor: a.amountMinor, functional_minor: fnPart, booked_functional_minor: booked });
      numbers.push(String(b.number));
    }
    await tx.execute(sql`
      insert into supplier_payment_applications (payment_id, bill_id, amount_minor, functional_minor, booked_functional_minor, applied_date)
      select ${paymentId}::uuid, x.bill_id, x.amount_minor, x.functional_minor, x.booked_functional_minor, ${d.paidDate}::date
      from jsonb_to_recordset(${JSON.stringify(apps)}::jsonb) as x(bill_id uuid, amount_minor bigint, functional_minor bigint, booked_functional_minor bigint)`);
    const fx = fnAmount - bookedTotal;
    const pres = d.currency === functional ? {} : { presentmentMinor: amount, presentmentCurrency: d.currency };
    const memo = `${d.reference} · ${numbers.join(', ')}`;
    const j = await postJournal(inTx(ctx, tx), {
      kind: 'supplier_payment', entryDate: d.paidDate, memo: `Payment ${d.reference} to ${supplier.code} for ${numbers.length} bill(s)`, dedupeKey: `supplier-payment:${paymentId}`,
      lines: [
        { role: 'payables', debitMinor: bookedTotal, creditMinor: 0, currency: functional, memo, ...pres },
        // Realised FX: paying more in the functional currency than was booked is a loss (debit).
        { role: 'fx', debitMinor: Math.max(fx, 0), creditMinor: Math.max(-fx, 0), currency: functional, memo },
        { role: 'bank', debitMinor: 0, creditMinor: fnAmount, currency: functional, memo, ...pres },
      ],
    });
    await tx.execute(sql`update supplier_payments set journal_id = ${j.id}, fx_minor = ${fx} where id = ${paymentId}`);
    return { id: paymentId, replayed: false };
  });
  const payment = await getSupplierPayment(ctx, out.id);
  if (!out.replayed) {
    await emitEvents(ctx, [{ type: 'supplier_payment.made', data: {
      paymentId: payment.id, supplierId: payment.supplierId, reference: payment.reference, amountMinor: payment.amountMinor, currency: payment.currency,
      bills: payment.applications.map((a) => ({ billId: a.billId, amountMinor: a.amountMinor })),
    } }]);
  }
  return { payment, replayed: out.replayed };
}

const paymentSelect = sql`select p.*, s.code as supplier_code, s.name as supplier_name from supplier_payments p join suppliers s on s.id = p.supplier_id`;

export async function getSupplierPayment(ctx: Ctx, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('supplier payment', id);
  const res = await q(ctx).execute(sql`${paymentSelect} where p.id = ${id}`);
  if (!res.rows[0]) throw new NotFoundError('supplier payment', id);
  return (await withApplications(ctx, [presentPayment(res.rows[0] as Record<string, unknown>)]))[0]!;
}

export const ListSupplierPaymentsQuery = z.object({
  supplier: z.string().max(200).optional(),
  from: Day.optional(),
  to: Day.optional(),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Payments made, newest paid date first (then reference), keyset-paginated (`nextCursor`). */
export async function listSupplierPayments(ctx: Ctx, query: unknown) {
  const f = parse(ListSupplierPaymentsQuery, query);
  const where: SQL[] = [sql`true`];
  if (f.supplier) where.push(z.string().uuid().safeParse(f.supplier).success ? sql`p.supplier_id = ${f.supplier}` : sql`s.code = ${f.supplier}`);
  if (f.from) where.push(sql`p.paid_date >= ${f.from}::date`);
  if (f.to) where.push(sql`p.paid_date <= ${f.to}::date`);
  if (f.cursor) {
    const [paid, reference, id] = decodeKeyset(f.cursor, 3) as [string, string, string];
    keysetDate(paid);
    where.push(sql`(p.paid_date < ${paid}::date or (p.paid_date = ${paid}::date and (p.reference, p.id) > (${reference}, ${keysetUuid(id)}::uuid)))`);
  }
  const res = await q(ctx).execute(sql`${paymentSelect} where ${sql.join(where, sql` and `)} order by p.paid_date desc, p.reference, p.id limit ${f.limit + 1}`);
  const rows = res.rows as Record<string, unknown>[];
  const last = rows.length > f.limit ? rows[f.limit - 1] : undefined;
  return {
    items: await withApplications(ctx, rows.slice(0, f.limit).map(presentPayment)),
    nextCursor: last ? encodeKeyset([ymd(last.paid_date), String(last.reference), String(last.id)]) : null,
  };
}
