import { AmazonClient, AmazonConfig } from '../../connectors/amazon/client';
import { SandboxConfig } from '../../connectors/sandbox/index';
import { sandboxPayouts } from '../../connectors/sandbox/payouts';
import { importAmazonSettlement } from './import-amazon-settlement';
import { ShopifyPayoutsClient, type ShopifyPayoutsConfig } from '../../connectors/shopify/payouts-client';
import { shopifyPayoutToInput, shopifyTransactionToLine } from '../../connectors/shopify/payouts-transform';
import { StripeClient } from '../../connectors/stripe/client';
import { StripeConfig } from '../../connectors/stripe/index';
import { stripePayoutToInput, stripeTransactionToLine } from '../../connectors/stripe/transform';
import { connectorKit, openConfig } from '../connections/connection-config';
import { getConnectionRow } from '../connections/manage-connections';
import type { Ctx } from '../context';
import { ValidationError } from '../errors';
import { ingestPayout } from './ingest-payout';
import type { PayoutLineInput } from './payout-input';

/** Connection types whose payouts are pulled (and reconciled): the branches of pullPayouts. */
export const PAYOUT_TYPES: ReadonlySet<string> = new Set(['stripe', 'shopify', 'amazon', 'sandbox']);

/**
 * Queues a pull of a connection's payouts (POST /api/v1/payouts/pull and the connection page's
 * button). Only payments connections have payouts: any other is refused now, naming the field,
 * rather than by a job failing later. One pull per connection waits at a time.
 */
export async function queuePayoutPull(ctx: Ctx, input: { connectionId: string; since?: string }): Promise<void> {
  const row = await getConnectionRow(ctx, input.connectionId);
  if (!PAYOUT_TYPES.has(row.type)) throw new ValidationError([{ path: 'connectionId', message: `connections of type ${row.type} have no payouts to pull` }]);
  await ctx.queue.enqueue('payouts.pull', input, { jobId: `payouts.pull:${input.connectionId}` });
}

/**
 * Pulls a payments connection's payouts (Stripe, Shopify Payments, Amazon settlements; the sandbox's
 * for the demo) with their balance transactions and stores them; each new or changed payout queues
 * its reconciliation. Re-pulling the same payouts changes nothing.
 */
export async function pullPayouts(ctx: Ctx, input: { connectionId: string; since?: string }): Promise<{ payouts: number; changed: number }> {
  const row = await getConnectionRow(ctx, input.connectionId);
  const connector = ctx.connectors(row.type);
  const config = connector ? openConfig(connector, row.config, ctx.secrets) : row.config;
  const kit = connectorKit(ctx);
  let payouts = 0;
  let changed = 0;
  if (row.type === 'stripe') {
    const client = new StripeClient(StripeConfig.parse(config), { connectionId: row.id, ...kit });
    const since = input.since ? Math.floor(Date.parse(input.since) / 1000) : undefined;
    for await (const page of client.payouts(since)) {
      for (const p of page) {
        const lines: PayoutLineInput[] = [];
        const payout = stripePayoutToInput(p);
        // Manual payouts are not linked to balance transactions (Stripe answers an error for them).
        if (!payout.manual) for await (const tp of client.balanceTransactions(p.id)) lines.push(...tp.map(stripeTransactionToLine));
        const r = await ingestPayout(ctx, { connectionId: row.id, source: 'stripe', payout, lines });
        payouts++;
        if (r.changed) changed++;
      }
    }
  } else if (row.type === 'shopify') {
    const client = new ShopifyPayoutsClient(config as unknown as ShopifyPayoutsConfig, kit);
    for await (const page of client.payouts(input.since?.slice(0, 10))) {
      for (const p of page) {
        const lines: PayoutLineInput[] = [];
        for await (const tp of client.transactions(String(p.id))) {
          lines.push(...tp.filter((t) => t.payout_id === undefined || t.payout_id === null || String(t.payout_id) === String(p.id)).map(shopifyTransactionToLine));
        }
        const r = await ingestPayout(ctx, { connectionId: row.id, source: 'shopify_payments', payout: shopifyPayoutToInput(p), lines });
        payouts++;
        if (r.changed) changed++;
      }
    }
  } else if (row.type === 'amazon') {
    // Settlement reports through the Reports API (the same files a seller can upload by hand); a report
    // pulled again is the same settlement id, which ingestPayout recognises (nothing changes).
    const client = new AmazonClient({ config: AmazonConfig.parse(config), connectionId: row.id, now: ctx.now, ...kit });
    const since = input.since ?? new Date(ctx.now().getTime() - 90 * 86_400_000).toISOString();
    for await (const page of client.settlementReports(since)) {
      for (const report of page) {
        const r = await importAmazonSettlement(ctx, { connectionId: row.id, file: await client.reportDocument(report.reportDocumentId) });
        payouts++;
        if (r.changed) changed++;
      }
    }
  } else if (row.type === 'sandbox') {
    // The demo channel pays out what it has sold so far (its pull cursor says how much).
    for (const p of sandboxPayouts(SandboxConfig.parse(config), row.cursor)) {
      const r = await ingestPayout(ctx, { connectionId: row.id, source: 'sandbox', payout: p.payout, lines: p.lines });
      payouts++;
      if (r.changed) changed++;
    }
  } else {
    throw new ValidationError([{ path: 'connectionId', message: `connections of type ${row.type} have no payouts to pull` }]);
  }
  return { payouts, changed };
}
