import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { connections } from './connections';
import { createdAt, id, tsz, updatedAt } from './columns';
import { orders } from './inbox';

/**
 * Finance: payouts and their balance transactions, reconciliation breaks, a double-entry ledger and
 * the accounting-sync outbox. Money is integer minor units + ISO currency everywhere.
 */

/** Per payments connection: fee schedule, matching rules, chart-of-accounts overrides (see src/finance/settings.ts). */
export const financeSettings = pgTable('finance_settings', {
  connectionId: uuid('connection_id').primaryKey().references(() => connections.id, { onDelete: 'cascade' }),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  updatedAt: updatedAt(),
});

export const payouts = pgTable(
  'payouts',
  {
    id: id(),
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'restrict' }),
    /** `shopify_payments` | `stripe` | `amazon_settlement` | `sandbox` (the demo channel) */
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    /** The platform's status: scheduled, in_transit, paid, failed, canceled, pending… */
    status: text('status').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    arrivalDate: text('arrival_date'),
    /** Gross and fee per category in minor units, as the platform reports them. */
    summary: jsonb('summary').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    /** Stripe manual payouts are not tied to balance transactions: they cannot be reconciled line by line. */
    manual: boolean('manual').notNull().default(false),
    /** `pending` (not reconciled yet) | `clean` | `open` (has open breaks) | `not_reconcilable` */
    reconciliation: text('reconciliation').notNull().default('pending'),
    /** Count of transaction types the hub does not know, by type (they are kept and surfaced, never dropped). */
    unknownTypes: jsonb('unknown_types').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    raw: jsonb('raw').$type<unknown>(),
    reconciledAt: tsz('reconciled_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('payouts_connection_external_uq').on(t.connectionId, t.externalId),
    index('payouts_arrival_idx').on(t.arrivalDate),
    check('payouts_reconciliation_ck', sql`${t.reconciliation} in ('pending','clean','open','not_reconcilable')`),
    check('payouts_currency_ck', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

export const payoutLines = pgTable(
  'payout_lines',
  {
    id: id(),
    payoutId: uuid('payout_id').notNull().references(() => payouts.id, { onDelete: 'cascade' }),
    /** The balance transaction id at the platform. */
    externalId: text('external_id').notNull(),
    /** The platform's type as sent (charge, refund, dispute, adjustment, …). */
    type: text('type').notNull(),
    /** Our category: charge | refund | dispute | adjustment | reserve | fee | transfer | payout | unknown */
    category: text('category').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    feeMinor: bigint('fee_minor', { mode: 'number' }).notNull(),
    netMinor: bigint('net_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    /** Order reference at the platform (Shopify source_order_id, Amazon order-id). */
    sourceOrderId: text('source_order_id'),
    /** Charge / payment reference (Stripe `ch_…`, Shopify source_id). */
    chargeId: text('charge_id'),
    /** Stripe exchange_rate (settlement per presentment unit), kept as the decimal string. */
    exchangeRate: text('exchange_rate'),
    processedAt: tsz('processed_at'),
    raw: jsonb('raw').$type<unknown>(),
    /**
     * No foreign key on purpose: a bulk reconciliation sets it on up to millions of lines, and a
     * per-row RI check doubled the time. Orders are never deleted (connections restrict it), and the
     * reconciler only writes ids it just read from `orders`.
     */
    matchedOrderId: uuid('matched_order_id'),
    /** Which rule matched: external_id | number | charge_id | amount_date | classified | … */
    matchRule: text('match_rule'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('payout_lines_payout_external_uq').on(t.payoutId, t.externalId),
    index('payout_lines_order_idx').on(t.matchedOrderId),
    // Only unmatched lines are looked up by key (late orders); partial, so matching a line does not touch them.
    index('payout_lines_source_order_idx').on(t.sourceOrderId).where(sql`matched_order_id is null`),
    index('payout_lines_charge_idx').on(t.chargeId).where(sql`matched_order_id is null`),
  ],
);

export const financeBreaks = pgTable(
  'finance_breaks',
  {
    /** Deterministic: hash of (payout or connection, class, key), so re-running finds the same break. */
    id: text('id').primaryKey(),
    payoutId: uuid('payout_id').references(() => payouts.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    class: text('class').notNull(),
    key: text('key').notNull(),
    lineId: uuid('line_id').references(() => payoutLines.id, { onDelete: 'set null' }),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'set null' }),
    expectedMinor: bigint('expected_minor', { mode: 'number' }).notNull(),
    actualMinor: bigint('actual_minor', { mode: 'number' }).notNull(),
    deltaMinor: bigint('delta_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    /** `open` | `resolved` | `accepted` */
    status: text('status').notNull().default('open'),
    note: text('note'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    resolvedBy: text('resolved_by'),
    resolvedAt: tsz('resolved_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('finance_breaks_status_idx').on(t.status, t.createdAt),
    index('finance_breaks_payout_idx').on(t.payoutId),
    check('finance_breaks_delta_ck', sql`${t.deltaMinor} = ${t.actualMinor} - ${t.expectedMinor}`),
    check('finance_breaks_status_ck', sql`${t.status} in ('open','resolved','accepted')`),
  ],
);

/** The chart of accounts. `role` is what the ledger posts to; `code` and the external refs are the user's mapping. */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: id(),
    /** sales | refunds | fees | chargebacks | adjustments | reserves | clearing | bank | fx | suspense | shipping_income | tax_payable */
    role: text('role').notNull(),
    /** Null = the default for every connection; else an override for one payments connection. */
    connectionId: uuid('connection_id').references(() => connections.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** asset | liability | income | expense | equity */
    kind: text('kind').notNull(),
    /** Codes/ids in accounting systems: `{ xero: "200", quickbooks: "65" }`. */
    externalRefs: jsonb('external_refs').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('ledger_accounts_role_uq').on(t.role, sql`coalesce(${t.connectionId}, '00000000-0000-0000-0000-000000000000'::uuid)`),
    check('ledger_accounts_kind_ck', sql`${t.kind} in ('asset','liability','income','expense','equity')`),
  ],
);

export const journalEntries = pgTable(
  'journal_entries',
  {
    id: id(),
    payoutId: uuid('payout_id').references(() => payouts.id, { onDelete: 'restrict' }),
    /** settlement | deposit | reversal | manual */
    kind: text('kind').notNull(),
    /** '' for a payout's summary entries; `order:<id>` for an order's own settlement entry (per-order journals). */
    groupKey: text('group_key').notNull().default(''),
    /** `posted` | `reversed` (a reversing entry cancels it; entries are never edited) */
    status: text('status').notNull().default('posted'),
    /** Deterministic key: the same reconciliation run never posts twice. */
    dedupeKey: text('dedupe_key').notNull(),
    reversesId: uuid('reverses_id'),
    entryDate: text('entry_date').notNull(),
    memo: text('memo').notNull(),
    /** Canonical JSON of the lines, to compare a re-run against what is posted. */
    fingerprint: text('fingerprint').notNull(),
    /** The sales channel the entry belongs to (invoices, COGS), for revenue by channel; payouts use their source. */
    channel: text('channel'),
    createdAt: createdAt(),
  },
  (t) => [
    index('journal_entries_date_idx').on(t.entryDate),
    // GET /journals pages in posting order (keyset on created_at, id).
    index('journal_entries_created_idx').on(t.createdAt, t.id),
    uniqueIndex('journal_entries_dedupe_uq').on(t.dedupeKey),
    index('journal_entries_payout_idx').on(t.payoutId),
    check('journal_entries_status_ck', sql`${t.status} in ('posted','reversed')`),
  ],
);

export const journalLines = pgTable(
  'journal_lines',
  {
    id: id(),
    entryId: uuid('entry_id').notNull().references(() => journalEntries.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    accountId: uuid('account_id').notNull().references(() => ledgerAccounts.id, { onDelete: 'restrict' }),
    debitMinor: bigint('debit_minor', { mode: 'number' }).notNull().default(0),
    creditMinor: bigint('credit_minor', { mode: 'number' }).notNull().default(0),
    /** Settlement currency of the line (what balances). */
    currency: text('currency').notNull(),
    /** What the customer paid in, when it differs (presentment). */
    presentmentMinor: bigint('presentment_minor', { mode: 'number' }),
    presentmentCurrency: text('presentment_currency'),
    memo: text('memo'),
  },
  (t) => [
    uniqueIndex('journal_lines_position_uq').on(t.entryId, t.position),
    index('journal_lines_account_idx').on(t.accountId),
    check('journal_lines_sides_ck', sql`${t.debitMinor} >= 0 and ${t.creditMinor} >= 0 and (${t.debitMinor} = 0 or ${t.creditMinor} = 0)`),
  ],
);

/** One row per (journal, target): the accounting-sync outbox. */
export const accountingOutbox = pgTable(
  'accounting_outbox',
  {
    id: id(),
    journalId: uuid('journal_id').notNull().references(() => journalEntries.id, { onDelete: 'cascade' }),
    /** `xero` | `quickbooks` */
    target: text('target').notNull(),
    /** The accounting connection (tenant / realm) it goes to. */
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    /** `pending` | `sending` | `synced` | `failed` */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    remoteId: text('remote_id'),
    syncedAt: tsz('synced_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('accounting_outbox_journal_target_uq').on(t.journalId, t.target, t.connectionId),
    uniqueIndex('accounting_outbox_key_uq').on(t.idempotencyKey),
    check('accounting_outbox_status_ck', sql`${t.status} in ('pending','sending','synced','failed')`),
  ],
);
