import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { DEFAULT_SCORE_WEIGHTS, type ScoreWeights } from '../domain/purchasing';
import { parseInput } from './parse-input';

export interface PurchasingSettings {
  /** Per currency, minor units: a PO above this needs an explicit approval before it can be sent. */
  approvalThresholds: Record<string, number>;
  scoreWeights: ScoreWeights;
  reviewPeriodDays: number;
  /** Per currency: replenishment drafts at or below are approved by rule (never sent by it). */
  autoApproveBelow: Record<string, number>;
}

const Currency = z.string().regex(/^[A-Z]{3}$/);
const Amounts = z.record(Currency, z.number().int().min(0));
export const PurchasingSettingsInput = z.object({
  approvalThresholds: Amounts.optional(),
  scoreWeights: z.object({ onTime: z.number().min(0), fill: z.number().min(0), quality: z.number().min(0), price: z.number().min(0) })
    .refine((w) => w.onTime + w.fill + w.quality + w.price > 0, 'at least one weight above 0').optional(),
  reviewPeriodDays: z.number().int().min(0).max(365).optional(),
  autoApproveBelow: Amounts.optional(),
});

export async function getPurchasingSettings(ctx: Ctx): Promise<PurchasingSettings> {
  const res = await q(ctx).execute(sql`select * from purchasing_settings where id = 1`);
  const r = res.rows[0] as Record<string, unknown> | undefined;
  if (!r) return { approvalThresholds: {}, scoreWeights: DEFAULT_SCORE_WEIGHTS, reviewPeriodDays: 14, autoApproveBelow: {} };
  return {
    approvalThresholds: (r.approval_thresholds as Record<string, number>) ?? {},
    scoreWeights: { ...DEFAULT_SCORE_WEIGHTS, ...(r.score_weights as Partial<ScoreWeights>) },
    reviewPeriodDays: Number(r.review_period_days),
    autoApproveBelow: (r.auto_approve_below as Record<string, number>) ?? {},
  };
}

export async function setPurchasingSettings(ctx: Ctx, input: unknown): Promise<PurchasingSettings> {
  const p = parseInput(PurchasingSettingsInput, input);
  const cur = await getPurchasingSettings(ctx);
  const next = { ...cur, ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) } as PurchasingSettings;
  await q(ctx).execute(sql`
    insert into purchasing_settings (id, approval_thresholds, score_weights, review_period_days, auto_approve_below)
    values (1, ${JSON.stringify(next.approvalThresholds)}::jsonb, ${JSON.stringify(next.scoreWeights)}::jsonb, ${next.reviewPeriodDays}, ${JSON.stringify(next.autoApproveBelow)}::jsonb)
    on conflict (id) do update set approval_thresholds = excluded.approval_thresholds, score_weights = excluded.score_weights,
      review_period_days = excluded.review_period_days, auto_approve_below = excluded.auto_approve_below, updated_at = now()`);
  return next;
}
