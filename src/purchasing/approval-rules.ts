import type { Ctx } from '../context';
import type { PurchaseOrder } from './purchase-orders';
import { getPurchasingSettings } from './settings';

export interface ApprovalVerdict {
  /** The rule's name, for the timeline. */
  rule: string;
  /** true: a person must approve before the PO can be sent. */
  required: boolean;
  reason: string;
}

/**
 * A rule that may require a person's approval before a PO is sent. The amount threshold below is
 * built in; others (a budget check from finance) register with `registerApprovalRule`.
 * Rules are evaluated when a draft is sent without an approval, and their verdicts recorded.
 * @example registerApprovalRule({ name: 'budget', evaluate: async (ctx, po) => ({ rule: 'budget', required: overBudget(po), reason: '…' }) })
 */
export interface PoApprovalRule {
  name: string;
  evaluate(ctx: Ctx, po: PurchaseOrder): Promise<ApprovalVerdict | null>;
}

/** Above the per-currency threshold (purchasing settings `approvalThresholds`), a person approves. */
export const amountThresholdRule: PoApprovalRule = {
  name: 'amount_threshold',
  async evaluate(ctx, po) {
    const limit = (await getPurchasingSettings(ctx)).approvalThresholds[po.currency];
    if (limit === undefined) return null;
    return po.totalMinor > limit
      ? { rule: 'amount_threshold', required: true, reason: `total ${po.totalMinor} ${po.currency} is above the approval threshold ${limit}` }
      : { rule: 'amount_threshold', required: false, reason: `total ${po.totalMinor} ${po.currency} is within the approval threshold ${limit}` };
  },
};

const rules: PoApprovalRule[] = [amountThresholdRule];

export function registerApprovalRule(rule: PoApprovalRule): void {
  if (!rules.some((r) => r.name === rule.name)) rules.push(rule);
}

/** Every rule's verdict on the PO (rules without an opinion left out). */
export async function evaluateApproval(ctx: Ctx, po: PurchaseOrder): Promise<ApprovalVerdict[]> {
  const out: ApprovalVerdict[] = [];
  for (const r of rules) {
    const v = await r.evaluate(ctx, po);
    if (v) out.push(v);
  }
  return out;
}
