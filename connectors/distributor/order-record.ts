import { z } from 'zod';

/**
 * What a distributor order is stored as (the raw event body): one purchase order, already read out
 * of its file (an EDI 850 or a CSV), so that normalising is pure and a replay never re-reads a file.
 * Amounts stay as the decimal text the file had; `normalize` converts them once.
 */
export const DistributorAddress = z.object({
  name: z.string().nullish(),
  company: z.string().nullish(),
  line1: z.string().nullish(),
  line2: z.string().nullish(),
  city: z.string().nullish(),
  region: z.string().nullish(),
  postalCode: z.string().nullish(),
  country: z.string().nullish(),
  phone: z.string().nullish(),
});
export type DistributorAddress = z.infer<typeof DistributorAddress>;

export const DistributorLine = z.object({
  /** The line's number in the PO (PO101) or the CSV row it came from. */
  lineId: z.string().min(1),
  sku: z.string().nullish(),
  title: z.string().nullish(),
  quantity: z.number().int().positive(),
  unit: z.string().nullish(),
  /** Decimal text as in the file ("9.25"). */
  unitPrice: z.string(),
  /** Every identifier the partner sent for the item, by X12 qualifier (VN, BP, UP, …). */
  partNumbers: z.record(z.string(), z.string()).default({}),
});
export type DistributorLine = z.infer<typeof DistributorLine>;

export const DistributorOrder = z.object({
  format: z.enum(['x12-850', 'csv']),
  orderId: z.string().min(1),
  /** PO date as ISO (date or date-time). */
  placedAt: z.string(),
  /** When the hub first received the file; newer files win over older ones for the same PO. */
  receivedAt: z.string(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  customer: z.object({ name: z.string().nullish(), email: z.string().nullish(), externalId: z.string().nullish(), phone: z.string().nullish() }).nullish(),
  shipTo: DistributorAddress.nullish(),
  billTo: DistributorAddress.nullish(),
  lines: z.array(DistributorLine).min(1),
  shippingAmount: z.string().nullish(),
  taxAmount: z.string().nullish(),
  /** X12 only: purpose (BEG01, 00 original / 01 cancellation / 05 replace). */
  purpose: z.string().nullish(),
  file: z.object({ name: z.string(), sha256: z.string() }),
});
export type DistributorOrder = z.infer<typeof DistributorOrder>;
