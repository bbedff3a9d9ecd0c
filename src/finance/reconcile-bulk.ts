import { sql, type SQL } from 'drizzle-orm';
import { inTx, type Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import type { Tx } from '../db/transaction';
import type { LineCategory } from '../domain/reconciliation';
import { postPayoutJournals } from './post-payout-journals';
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
  const scope: SQL = settings.orderConnectionIds.length ? sql`and o.connection_id = any(${pgArray(settings.orderConnectionIds, 'uuid')})` : sql``;
  const fee = settings.rules.feeSchedule;
  const tol = settings.rules.amountToleranceMinor;
  const hash = (cls: SQL, key: SQL) => sql`'brk_' || left(encode(sha256(convert_to(${pid}::text || '|' || ${cls} || '|' || ${key}, 'UTF8')), 'hex'), 24)`;

  // 1. Desired match per line: external id, then number, then charge id (first order by placed_at, id, like the JS rules).
  await tx.execute(sql`drop table if exists rec_match`);
  await tx.execute(sql`
    create temp table rec_match on commit drop as
    with ext as (select distinct on (o.external_id) o.external_id as k, o.id from orders o where true ${scope} order by o.external_id, o.placed_at, o.id),
         num as (select distinct on (o.number) o.number as k, o.id from orders o where true ${scope} order by o.number, o.placed_at, o.id)
    select l.id, l.category, l.amount_minor, l.fee_minor, l.net_minor, l.currency, l.external_id, l.charge_id, l.type,
           l.matched_order_id as old_oid, l.match_rule as old_rule,
           case when l.category = 'payout' or l.category in ('adjustment','reserve','fee','transfer') then null
                when l.category = 'unknown' then null else coalesce(e.id, n1.id, n2.id, c.id) end as oid,
           case when l.category in ('payout','adjustment','reserve','fee','transfer') then 'classified'
                when l.category = 'unknown' then null
                when e.id is not null then 'external_id' when n1.id is not null or n2.id is not null then 'number'
                when c.id is not null then 'charge_id' else null end as rule
    from payout_lines l
    left join ext e on e.k = l.source_order_id
    left join num n1 on n1.k = l.source_order_id
    left join num n2 on n2.k = '#' || l.source_order_id and l.source_order_id not like '#%'
    left join ext c on c.k = l.charge_id
    where l.payout_id = ${pid}`);
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
    await ins(sql`
      with here as (select coalesce(charge_id, 'txn:' || external_id) as k, array_agg(id order by external_id) as ids,
                           array_agg(amount_minor order by external_id) as amts, min(currency) as currency
                    from rec_match where category = 'charge' group by 1),
           elsewhere as (select coalesce(l.charge_id, 'txn:' || l.external_id) as k, array_agg(distinct p2.external_id order by p2.external_id) as payouts
                         from payout_lines l join payouts p2 on p2.id = l.payout_id
                         where l.category = 'charge' and l.payout_id <> ${pid} and p2.connection_id = ${p.connectionId}
                           and coalesce(l.charge_id, 'txn:' || l.external_id) in (select k from here) group by 1)
      select 'duplicate_settlement', 'charge:' || h.k, case when cardinality(h.ids) > 1 then h.ids[2] else h.ids[1] end, null,
             case when cardinality(h.ids) > 1 then h.amts[1] else 0 end,
             case when cardinality(h.ids) > 1 then (select sum(a) from unnest(h.amts) a) else h.amts[1] end, h.currency,
             jsonb_build_object('lines', (select jsonb_agg(x.external_id order by x.external_id) from rec_match x where x.id = any(h.ids)),
                                'otherPayouts', coalesce(to_jsonb(e.payouts), '[]'::jsonb))
      from here h left join elsewhere e on e.k = h.k where cardinality(h.ids) > 1 or e.k is not null`);
    // Per order: Σ charges (this payout + earlier ones) against the order total; refunds against what the hub knows.
    await ins(sql`
      with agg as (select oid, min(currency) as currency,
                          sum(amount_minor) filter (where category = 'charge') as charges, sum(amount_minor) filter (where category = 'refund') as refunds,
                          (array_agg(id order by external_id) filter (where category = 'charge'))[1] as first_charge,
                          (array_agg(id order by external_id) filter (where category = 'refund'))[1] as first_refund,
                          jsonb_agg(external_id order by external_id) filter (where category = 'charge') as charge_lines,
                          jsonb_agg(external_id order by external_id) filter (where category = 'refund') as refund_lines
                   from rec_match where oid is not null and category in ('charge', 'refund') group by oid),
           prior as (select matched_order_id as oid, coalesce(sum(amount_minor) filter (where category = 'charge'), 0) as c,
                            coalesce(sum(amount_minor) filter (where category = 'refund'), 0) as r
                     from payout_lines where payout_id <> ${pid} and matched_order_id in (select oid from agg) group by 1)
      select 'amount_mismatch', 'order:' || a.oid, a.first_charge, a.oid, o.total_minor, a.charges + coalesce(pr.c, 0), a.currency,
             jsonb_build_object('orderNumber', o.number, 'lines', a.charge_lines)
      from agg a join orders o on o.id = a.oid left join prior pr on pr.oid = a.oid
      where a.charges is not null and o.currency = a.currency and abs(a.charges + coalesce(pr.c, 0) - o.total_minor) > ${tol}
      union all
      select 'refund_mismatch', 'order:' || a.oid, a.first_refund, a.oid,
             case when o.financial_status in ('refunded', 'partially_refunded') then -o.total_minor else 0 end,
             a.refunds + coalesce(pr.r, 0), a.currency,
             jsonb_build_object('orderNumber', o.number, 'financialStatus', o.financial_status, 'lines', a.refund_lines)
      from agg a join orders o on o.id = a.oid left join prior pr on pr.oid = a.oid
      where a.refunds is not null and o.currency = a.currency and not (
        case when o.financial_status = 'partially_refunded' then a.refunds + coalesce(pr.r, 0) <= 0 and -(a.refunds + coalesce(pr.r, 0)) <= o.total_minor
             when o.financial_status = 'refunded' then abs(a.refunds + coalesce(pr.r, 0) + o.total_minor) <= ${tol}
             else abs(a.refunds + coalesce(pr.r, 0)) <= ${tol} end)`);
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
  const { changes: journals, outboxIds } = await postPayoutJournals(inTx(ctx, tx), {
    payoutId: pid, connectionId: p.connectionId, dryRun, settings,
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
  await tx.execute(sql`
    insert into finance_breaks (id, payout_id, connection_id, class, key, line_id, order_id, expected_minor, actual_minor, delta_minor, currency, detail)
    select id, ${pid}::uuid, ${p.connectionId}::uuid, class, key, line_id, order_id, expected, actual, actual - expected, currency, detail from rec_breaks
    on conflict (id) do update set
      expected_minor = excluded.expected_minor, actual_minor = excluded.actual_minor, delta_minor = excluded.delta_minor,
      line_id = excluded.line_id, order_id = excluded.order_id, detail = excluded.detail, updated_at = now(),
      status = case when (finance_breaks.expected_minor, finance_breaks.actual_minor) is distinct from (excluded.expected_minor, excluded.actual_minor)
                    then 'open' else finance_breaks.status end
    where (finance_breaks.expected_minor, finance_breaks.actual_minor, finance_breaks.line_id, finance_breaks.order_id, finance_breaks.detail)
      is distinct from (excluded.expected_minor, excluded.actual_minor, excluded.line_id, excluded.order_id, excluded.detail)`);
  await tx.execute(sql`
    update finance_breaks set status = 'resolved', note = 'no longer detected by reconciliation', resolved_by = 'system', resolved_at = now(), updated_at = now()
    where payout_id = ${pid} and status = 'open' and id not in (select id from rec_breaks)`);
  const open = await tx.execute(sql`select count(*)::int as n from finance_breaks where payout_id = ${pid} and status = 'open'`);
  const state = p.manual ? 'not_reconcilable' : Number((open.rows[0] as { n: number }).n) > 0 ? 'open' : 'clean';
  await tx.execute(sql`update payouts set reconciliation = ${state}, unknown_types = ${JSON.stringify(unknownTypes)}::jsonb, reconciled_at = now() where id = ${pid}`);
  return report;
}
