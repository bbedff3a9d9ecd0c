import { readFileSync } from 'node:fs';

const sale = JSON.parse(readFileSync(new URL('../../../../shared/fixtures/square/retrieve_order_response.json', import.meta.url), 'utf8')).order as {
  id: string; location_id: string; line_items: Array<{ uid: string; name: string }>;
};

/**
 * A return order as Square makes one for a refund (field names from the Orders API's OrderReturn and
 * OrderReturnLineItem): one unit of the sample sale's first line, which is catalog variation
 * VAR-ITEM-1 here, plus a custom amount, 5.00 USD refunded in all.
 */
export function squareReturnOrder(o: { id?: string; createdAt?: string; sourceOrderId?: string | null; quantity?: string } = {}) {
  const at = o.createdAt ?? new Date().toISOString();
  return {
    id: o.id ?? 'RETURN-ORDER-1', location_id: sale.location_id, state: 'COMPLETED', created_at: at, updated_at: at,
    returns: [{
      uid: 'RET-1', ...(o.sourceOrderId === null ? {} : { source_order_id: o.sourceOrderId ?? sale.id }),
      return_line_items: [
        { uid: 'RLI-1', source_line_item_uid: sale.line_items[0]!.uid, name: sale.line_items[0]!.name, quantity: o.quantity ?? '1', item_type: 'ITEM', catalog_object_id: 'VAR-ITEM-1',
          base_price_money: { amount: 300, currency: 'USD' }, total_money: { amount: 300, currency: 'USD' } },
        { uid: 'RLI-2', name: 'Custom Amount', quantity: '1', item_type: 'CUSTOM_AMOUNT', base_price_money: { amount: 200, currency: 'USD' }, total_money: { amount: 200, currency: 'USD' } },
      ],
    }],
    return_amounts: { total_money: { amount: 500, currency: 'USD' }, tax_money: { amount: 0, currency: 'USD' } },
    refunds: [{ id: 'REFUND-1', location_id: sale.location_id, amount_money: { amount: 500, currency: 'USD' }, status: 'COMPLETED' }],
    total_money: { amount: 0, currency: 'USD' },
  };
}

/**
 * An exchange as Square records one: an order that sells a new item (a line of its own) and, in the
 * same order, takes back one unit of variation VAR-ITEM-1 of the sale `sourceOrderId`; the buyer pays
 * the difference, so nothing is refunded.
 */
export function squareExchangeOrder(o: { id?: string; createdAt?: string; sourceOrderId?: string; quantity?: string } = {}) {
  const ret = squareReturnOrder({ id: o.id ?? 'EXCHANGE-ORDER-1', createdAt: o.createdAt, sourceOrderId: o.sourceOrderId, quantity: o.quantity });
  return {
    ...ret,
    version: 1,
    line_items: [{
      uid: 'EX-LI-1', name: 'Exchange item', quantity: '1', catalog_object_id: 'VAR-ITEM-2',
      base_price_money: { amount: 800, currency: 'USD' }, gross_sales_money: { amount: 800, currency: 'USD' },
      total_tax_money: { amount: 0, currency: 'USD' }, total_discount_money: { amount: 0, currency: 'USD' }, total_money: { amount: 800, currency: 'USD' },
    }],
    refunds: [],
    net_amounts: { total_money: { amount: 300, currency: 'USD' } },
    total_money: { amount: 300, currency: 'USD' },
  };
}
