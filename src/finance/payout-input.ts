import { z } from 'zod';
import { lineCategories } from '../domain/reconciliation';

/** A payout as every source's transform hands it to the hub (money already in minor units). */
export const PayoutInput = z.object({
  externalId: z.string().min(1).max(200),
  status: z.string().min(1).max(64),
  amountMinor: z.number().int().safe(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  arrivalDate: z.string().nullable(),
  summary: z.record(z.string(), z.number().int()).default({}),
  manual: z.boolean().default(false),
  raw: z.unknown().optional(),
});
export type PayoutInput = z.input<typeof PayoutInput>;

export const PayoutLineInput = z.object({
  externalId: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  category: z.enum(lineCategories),
  amountMinor: z.number().int().safe(),
  feeMinor: z.number().int().safe(),
  netMinor: z.number().int().safe(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  sourceOrderId: z.string().nullable().default(null),
  chargeId: z.string().nullable().default(null),
  exchangeRate: z.string().nullable().default(null),
  processedAt: z.string().nullable().default(null),
  raw: z.unknown().optional(),
});
export type PayoutLineInput = z.input<typeof PayoutLineInput>;
