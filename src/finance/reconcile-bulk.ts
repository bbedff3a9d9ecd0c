import { sql, type SQL } from 'drizzle-orm';
import { inTx, type Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import type { Tx } from '../db/transaction';
import type { LineCategory } from '../domain/reconciliation';
import { postPayoutJournals } from './post-payout-journals';
import { upsertBreaks } from './write-breaks';
import type { ReconcileReport } from './reconcile-payout';
import type { FinanceSettings } from './settings';

/**
 * Set-based reconciliation for very large payouts (an Amazon settlement or a marketplace payout
 * with hundreds of thousands of lines): the same exact-key layer and the same break rules as
 * src/domain/reconciliation.ts, written as a few SQL statements so nothing is loaded into memory.
 * The fuzzy rules (amount + date window, one-to-many) and foreign-currency lines stay on the
 * in-memory path; reconcile() only sends a payout here when it has no such lines. Break ids are
 * the same hash as breakId(), so a payout can move between paths without its breaks changing.
 * finance.ledger.test.ts checks both paths give the same result.
 */
export async function reconcileBulk(
  ctx: Ctx,
  tx: Tx,
  p: { id: string; connectionId: string; externalId: string; amountMinor: number; currency: string; status: string; arrivalDate: string | null; manual: boolean },
  settings: FinanceSettings,
  dryRun: boolean,
): Promise<ReconcileReport> {
  const pid = p.id;
  // OMNIHUB_BULK_TIMING=1 prints each statement's duration (for the benchmark); config has no say in it.
  if (process.env.OMNIHUB_BULK_TIMING === '1') {
    const exec = tx.execute.bind(tx);
    tx = Object.assign(Object.create(tx), {
      execute: async (q: Parameters<typeof exec>[0]) => {
        const t0 = performance.now();
        try {
          return await exec(q);
        } finally {
          const text = (q as unknown as { queryChunks?: Array<{ value?: string[] }> }).queryChunks?.[0]?.value?.[0] ?? '';
          process.stderr.write(`  [bulk] ${(performance.now() - t0).toFixed(0).padStart(6)} ms  ${text.trim().replace(/\s+/g, ' ').slice(0, 70)}\n`);
        }
      },
    }) as Tx;
  }
  const scope: SQL = settings.orderConnectionIds.length ? sql`and o.connection_id = any(${pgArray(settings.orderConnectionIds, 'uuid')})` : sql``;
  const fee = settings.rules.feeSchedule;
  const tol = settings.rules.amountToleranceMinor;
  const hash = (cls: SQL, key: SQL) => sql`'brk_' || left(encode(sha256(convert_to(${pid}::text || '|' || ${cls} || '|' || ${key}, 'UTF8')), 'hex'), 24)`;

  // 1. Desired match per line: external id, then number, then charge id (first order by placed_at, id, like the JS rules).
  await tx.execute(sql`drop table if exists rec_match`);
  // Exact external id first, as one hash join (the common case: every line carries the order id);
  // the rarer number / charge-id keys only for what is still unmatched.
  await tx.execute(sql`
    create temp table rec_match on commit drop as
    select l.id, l.category, l.amount_minor, l.fee_minor, l.net_minor, l.currency, l.external_id, l.charge_id, l.type, l.source_order_id,
           l.matched_order_id as old_oid, l.match_rule as old_rule,
           case when l.category in ('charge', 'refund', 'dispute') then e.id end as oid,
           case when l.category in ('payout', 'adjustment', 'reserve', 'fee', 'transfer') then 'classified'
                when l.category in ('charge', 'refund', 'dispute') and e.id is not null then 'external_id' end as rule
    from payout_lines l
    left join (select distinct on (o.external_id) o.external_id as k, o.id from orders o
               where o.external_id in (select source_order_id from payout_lines where payout_id = ${pid}) ${scope}
               order by o.external_id, o.placed_at, o.id) e on e.k = l.source_order_id
    where l.payout_id = ${pid}`);
  await tx.execute(sql`analyze rec_match`);
  await tx.execute(sql`
    update rec_match r set oid = x.oid, rule = x.rule from (
      select distinct on (r2.id) r2.id, o.id as oid,
             case when o.number = r2.source_order_id or o.number = '#' || r2.source_order_id then 'number' else 'charge_id' end as rule
      from rec_match r2 join orders o
        on (o.number = r2.source_order_id or (o.number = '#' || r2.source_order_id and r2.source_order_id not like '#%') or o.external_id = r2.charge_id)
      where r2.oid is null and r2.category in ('charge', 'refund', 'dispute') ${scope}
      order by r2.id, case when o.number = r2.source_order_id then 0 when o.number = '#' || r2.source_order_id then 1 else 2 end, o.placed_at, o.id
    ) x where r.id = x.id`);
  const counts = await tx.execute(sql`
    select count(*)::int as n, coalesce(sum(net_minor) filter (where category <> 'payout'), 0)::bigint as net,
           count(*) filter (where category <> 'payout')::int as counted,
           count(*) filter (where old_oid is distinct from oid or old_rule is distinct from rule)::int as changed
    from rec_match`);
  const c0 = counts.rows[0] as { n: number; net: number; counted: number; changed: number };
  const linesNetMinor = Number(c0.net);

  // 2. Desired breaks.
  await tx.execute(sql`drop table if exists rec_breaks`);
  await tx.execute(sql`create temp table rec_breaks (class text, key text, line_id uuid, order_id uuid, expected bigint, actual bigint, currency text, detail jsonb) on commit drop`);
  const ins = (q: SQL) => tx.execute(sql`insert into rec_breaks ${q}`);
  if (p.status === 'failed') await ins(sql`values ('payout_failed', 'payout', null::uuid, null::uuid, ${p.amountMinor}::bigint, 0::bigint, ${p.currency}, jsonb_build_object('status', ${p.status}::text))`);
  if (!p.manual) {
    if (Number(c0.counted) > 0 && linesNetMinor !== p.amountMinor) {
      await ins(sql`select 'payout_total_mismatch', 'payout', null::uuid, null::uuid, ${linesNetMinor}::bigint, ${p.amountMinor}::bigint, ${p.currency},
        jsonb_build_object('lines', ${Number(c0.counted)}::int, 'transferLineLeftOut', exists (select 1 from rec_match where category = 'payout'))`);
    }
    await ins(sql`select 'line_arithmetic', 'line:' || external_id, id, null, amount_minor - fee_minor, net_minor, currency,
      jsonb_build_object('amountMinor', amount_minor, 'feeMinor', fee_minor, 'type', type)
      from rec_match where category <> 'payout' and amount_minor - fee_minor <> net_minor`);
    await ins(sql`select 'currency_variance', 'line-currency:' || external_id, id, null, 0, net_minor, currency,
      jsonb_build_object('lineCurrency', currency, 'payoutCurrency', ${p.currency}::text)
      from rec_match where category <> 'payout' and currency <> ${p.currency}`);
    await ins(sql`select 'unclassified_type', 'line:' || external_id, id, null, 0, net_minor, currency, jsonb_build_object('type', type)
      from rec_match where category = 'unknown'`);
    await ins(sql`select 'order_not_found', 'line:' || r.external_id, r.id, null, 0, r.net_minor, r.currency,
      jsonb_build_object('type', r.type, 'sourceOrderId', l.source_order_id, 'chargeId', r.charge_id)
      from rec_match r join payout_lines l on l.id = r.id where r.category in ('charge', 'refund') and r.oid is null`);
    await ins(sql`select 'chargeback', 'line:' || r.external_id, r.id, r.oid, 0, r.net_minor, r.currency,
      jsonb_build_object('amountMinor', r.amount_minor, 'feeMinor', r.fee_minor, 'sourceOrderId', l.source_order_id)
      from rec_match r join payout_lines l on l.id = r.id where r.category = 'dispute'`);
    if (fee) {
      await ins(sql`select 'fee_unexpected', 'line:' || external_id, id, oid, x.expected, fee_minor, currency,
        jsonb_build_object('amountMinor', amount_minor, 'schedule', ${JSON.stringify(fee)}::jsonb)
        from rec_match, lateral (select (round(amount_minor::numeric * ${fee.percentBps} / 10000) + ${fee.fixedMinor})::bigint as expected) x
        where category = 'charge' and currency = ${p.currency} and abs(fee_minor - x.expected) > ${fee.toleranceMinor}`);
    }
    // Duplicates: the same charge key twice here, or already settled by another payout of this connection.
    // Found with a plain hash aggregate first; the ordered details are built only for the (few) duplicates.
    await ins(sql`
      with elsewhere as (select coalesce(l.charge_id, 'txn:' || l.external_id) as k, array_agg(distinct p2.external_id order by p2.external_id) as payouts
                         from payouts p2 join payout_lines l on l.payout_id = p2.id
                         where p2.connection_id = ${p.connectionId} and p2.id <> ${pid} and l.category = 'charge' group by 1),
           dup as (select coalesce(charge_id, 'txn:' || external_id) as k from rec_match where category = 'charge' group by 1 having count(*) > 1
                   union select k from elsewhere where k in (select coalesce(charge_id, 'txn:' || external_id) from rec_match where category = 'charge')),
           here as (select coalesce(r.charge_id, 'txn:' || r.external_id) as k, array_agg(r.id order by r.external_id) as ids,
                           array_agg(r.amount_minor order by r.external_id) as amts, array_agg(r.external_id order by r.external_id) as exts, min(r.currency) as currency
                    from rec_match r where r.category = 'charge' and coalesce(r.charge_id, 'txn:' || r.external_id) in (select k from dup) group by 1)
      select 'duplicate_settlement', 'charge:' || h.k, case when cardinality(h.ids) > 1 then h.ids[2] else h.ids[1] end, null,
             case when cardinality(h.ids) > 1 then h.amts[1] else 0 end,
             case when cardinality(h.ids) > 1 then (select sum(a) from unnest(h.amts) a) else h.amts[1] end, h.currency,
             jsonb_build_object('lines', to_jsonb(h.exts), 'otherPayouts', coalesce(to_jsonb(e.payouts), '[]'::jsonb))
      from here h left join elsewhere e on e.k = h.k`);
    // Per order: Σ charges (this payout + earlier ones) against the order total; refunds against what the hub knows.
    await tx.execute(sql`drop table if exists rec_orders`);
    await tx.execute(sql`
      create temp table rec_orders on commit drop as
      with agg as (select oid, min(currency) as currency,
                          sum(amount_minor) filter (where category = 'charge') as charges, sum(amount_minor) filter (where category = 'refund') as refunds
                   from rec_match where oid is not null and category in ('charge', 'refund') group by oid),
           prior as (select l.matched_order_id as oid, coalesce(sum(l.amount_minor) filter (where l.category = 'charge'), 0) as c,
                            coalesce(sum(l.amount_minor) filter (where l.category = 'refund'), 0) as r
                     from payouts p2 join payout_lines l on l.payout_id = p2.id
                     where p2.id <> ${pid} and l.matched_order_id in (select oid from agg) and l.category in ('charge', 'refund') group by 1)
      select a.*, o.total_minor, o.number, o.financial_status, o.currency as order_currency,
             a.charges + coalesce(pr.c, 0) as all_charges, a.refunds + coalesce(pr.r, 0) as all_refunds
      from agg a join orders o on o.id = a.oid left join prior pr on pr.oid = a.oid`);
    const orderLines = (cat: string) => sql`(select jsonb_build_object('first', (array_agg(m.id order by m.external_id))[1], 'lines', jsonb_agg(m.external_id order by m.external_id))
      from rec_match m where m.oid = x.oid and m.category = ${cat})`;
    await ins(sql`
      select 'amount_mismatch', 'order:' || x.oid, (d->>'first')::uuid, x.oid, x.total_minor, x.all_charges, x.currency,
             jsonb_build_object('orderNumber', x.number, 'lines', d->'lines')
      from rec_orders x, lateral (select ${orderLines('charge')} as d) y
      where x.charges is not null and x.order_currency = x.currency and abs(x.all_charges - x.total_minor) > ${tol}`);
    await ins(sql`
      select 'refund_mismatch', 'order:' || x.oid, (d->>'first')::uuid, x.oid,
             case when x.financial_status in ('refunded', 'partially_refunded') then -x.total_minor else 0 end, x.all_refunds, x.currency,
             jsonb_build_object('orderNumber', x.number, 'financialStatus', x.financial_status, 'lines', d->'lines')
      from rec_orders x, lateral (select ${orderLines('refund')} as d) y
      where x.refunds is not null and x.order_currency = x.currency and not (
        case when x.financial_status = 'partially_refunded' then x.all_refunds <= 0 and -x.all_refunds <= x.total_minor
             when x.financial_status = 'refunded' then abs(x.all_refunds + x.total_minor) <= ${tol}
             else abs(x.all_refunds) <= ${tol} end)`);
  }
  await tx.execute(sql`alter table rec_breaks add column id text`);
  await tx.execute(sql`update rec_breaks set id = ${hash(sql`class`, sql`key`)}`);

  const diff = await tx.execute(sql`
    select
      (select coalesce(jsonb_agg(b.id order by b.id), '[]'::jsonb) from rec_breaks b where not exists (select 1 from finance_breaks f where f.id = b.id)) as added,
      (select coalesce(jsonb_agg(b.id order by b.id), '[]'::jsonb) from rec_breaks b join finance_breaks f on f.id = b.id
         where (f.expected_minor, f.actual_minor) is distinct from (b.expected, b.actual)) as changed,
      (select coalesce(jsonb_agg(f.id order by f.id), '[]'::jsonb) from finance_breaks f
         where f.payout_id = ${pid} and f.status = 'open' and not exists (select 1 from rec_breaks b where b.id = f.id)) as cleared`);
  const d = diff.rows[0] as { added: unknown; changed: unknown; cleared: unknown };
  const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as string[]) : (v as string[]));
  const br = await tx.execute(sql`select * from rec_breaks order by class, key`);
  const breaks = (br.rows as Record<string, unknown>[]).map((b) => ({
    id: String(b.id), class: b.class as ReconcileReport['breaks'][number]['class'], key: String(b.key), lineId: (b.line_id as string | null) ?? null,
    orderId: (b.order_id as string | null) ?? null, expectedMinor: Number(b.expected), actualMinor: Number(b.actual),
    deltaMinor: Number(b.actual) - Number(b.expected), currency: String(b.currency),
    detail: (typeof b.detail === 'string' ? JSON.parse(b.detail) : b.detail) as Record<string, unknown>,
  }));
  const unk = await tx.execute(sql`select type, count(*)::int as n from rec_match where category = 'unknown' group by type order by type`);
  const unknownTypes = Object.fromEntries((unk.rows as Array<{ type: string; n: number }>).map((r) => [r.type, Number(r.n)]));

  // 3. Journals from per-category sums (the postings fold per account anyway).
  const sums = await tx.execute(sql`
    select category, currency, sum(amount_minor)::bigint as a, sum(fee_minor)::bigint as f, sum(net_minor)::bigint as n
    from rec_match group by category, currency order by category, currency`);
  // Bulk payouts always post the summary journal: per-order journals at this size would be a million
  // entries nobody reads (and the per-order detail is in the payout's lines and matches anyway).
  const { changes: journals, outboxIds } = await postPayoutJournals(inTx(ctx, tx), {
    payoutId: pid, connectionId: p.connectionId, dryRun, settings: { ...settings, journalMode: 'summary' },
    payout: { externalId: p.externalId, amountMinor: p.amountMinor, currency: p.currency, status: p.status, arrivalDate: p.arrivalDate, manual: p.manual },
    lines: (sums.rows as Array<Record<string, unknown>>).map((r) => ({
      category: String(r.category) as LineCategory, type: String(r.category), amountMinor: Number(r.a), feeMinor: Number(r.f), netMinor: Number(r.n),
      currency: String(r.currency), exchangeRate: null, orderCurrency: null,
    })),
  });
  const status: ReconcileReport['status'] = p.manual ? 'not_reconcilable' : breaks.length ? 'open' : 'clean';
  const report: ReconcileReport = {
    payoutId: pid, dryRun, status, linesNetMinor, unknownTypes, breaks,
    // Per-line match changes are counted, not listed: a bulk payout can change 10^6 of them.
    changes: { matches: [], matchesChanged: Number(c0.changed), breaksAdded: parse(d.added), breaksChanged: parse(d.changed), breaksCleared: parse(d.cleared), journals },
    outboxIds,
  };
  if (dryRun) return report;

  await tx.execute(sql`
    update payout_lines l set matched_order_id = r.oid, match_rule = r.rule from rec_match r
    where l.id = r.id and (l.matched_order_id is distinct from r.oid or l.match_rule is distinct from r.rule)`);
  await upsertBreaks(tx, pid, p.connectionId, sql`select id, class, key, line_id, order_id, expected, actual, currency, detail from rec_breaks`);
  await tx.execute(sql`
    update finance_breaks set status = 'resolved', note = 'no longer detected by reconciliation', resolved_by = 'system', resolved_at = now(), updated_at = now()
    where payout_id = ${pid} and status = 'open' and id not in (select id from rec_breaks)`);
  const open = await tx.execute(sql`select count(*)::int as n from finance_breaks where payout_id = ${pid} and status = 'open'`);
  const state = p.manual ? 'not_reconcilable' : Number((open.rows[0] as { n: number }).n) > 0 ? 'open' : 'clean';
  await tx.execute(sql`update payouts set reconciliation = ${state}, unknown_types = ${JSON.stringify(unknownTypes)}::jsonb, reconciled_at = now() where id = ${pid}`);
  return report;
}
