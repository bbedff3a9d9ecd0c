import { describe, expect, it } from 'vitest';
import { planOrder, stockKey, type RuleOrder, type RuleSettings, type RuleWarehouse } from './allocation-rules';

const A: RuleWarehouse = { id: 'a', code: 'WH-A', priority: 1, allowedConnectionIds: null };
const B: RuleWarehouse = { id: 'b', code: 'WH-B', priority: 2, allowedConnectionIds: null };
const C: RuleWarehouse = { id: 'c', code: 'WH-C', priority: 0, allowedConnectionIds: ['other-channel'] };
const defaults: RuleSettings = { warehouseOrder: null, allowSplit: true, shipComplete: true };
const order = (lines: RuleOrder['lines'], extra: Partial<RuleOrder> = {}): RuleOrder => ({ id: 'o1', connectionId: 'shop', status: 'open', fulfillmentStatus: 'unfulfilled', lines, holdings: [], ...extra });
const stock = (entries: Array<[string, string, number]>) => new Map(entries.map(([sku, w, n]) => [stockKey(sku, w), n]));
const plan = (o: RuleOrder, available: Map<string, number>, settings = defaults) =>
  planOrder(o, { warehouses: [A, B, C], settings, available, known: (s) => s !== 'GHOST' });

describe('allocation rules', () => {
  it('ships complete from the first warehouse that can, and says why', () => {
    const p = plan(order([{ sku: 'X', quantity: 2 }]), stock([['X', 'a', 0], ['X', 'b', 5]]));
    expect(p.reserve).toEqual([{ sku: 'X', warehouseId: 'b', quantity: 2 }]);
    expect(p.status).toBe('allocated');
    expect(p.reasons).toEqual(['WH-A had 0; WH-B reserved 2']);
  });
  it('never uses a warehouse the channel may not use, even with a better priority', () => {
    const p = plan(order([{ sku: 'X', quantity: 1 }]), stock([['X', 'c', 9], ['X', 'a', 1]]));
    expect(p.reserve).toEqual([{ sku: 'X', warehouseId: 'a', quantity: 1 }]);
  });
  it('splits when allowed, in priority order, and backorders the rest', () => {
    const p = plan(order([{ sku: 'X', quantity: 5 }]), stock([['X', 'a', 2], ['X', 'b', 1]]));
    expect(p.reserve).toEqual([{ sku: 'X', warehouseId: 'a', quantity: 2 }, { sku: 'X', warehouseId: 'b', quantity: 1 }]);
    expect(p.status).toBe('partial');
  });
  it('does not split when splitting is off', () => {
    const p = plan(order([{ sku: 'X', quantity: 3 }]), stock([['X', 'a', 2], ['X', 'b', 2]]), { ...defaults, allowSplit: false });
    expect(p.reserve).toEqual([]);
    expect(p.status).toBe('backordered');
  });
  it('follows a configured warehouse order over priority', () => {
    const p = plan(order([{ sku: 'X', quantity: 1 }]), stock([['X', 'a', 5], ['X', 'b', 5]]), { ...defaults, warehouseOrder: ['b', 'a'] });
    expect(p.reserve).toEqual([{ sku: 'X', warehouseId: 'b', quantity: 1 }]);
  });
  it('sums one SKU over several lines before checking (a bundle needs both units from stock)', () => {
    const p = plan(order([{ sku: 'X', quantity: 1 }, { sku: 'X', quantity: 1 }]), stock([['X', 'a', 1]]));
    expect(p.reserve).toEqual([{ sku: 'X', warehouseId: 'a', quantity: 1 }]);
    expect(p.status).toBe('partial');
  });
  it('consumes the shared snapshot so the next order sees what is left', () => {
    const avail = stock([['X', 'a', 1]]);
    expect(plan(order([{ sku: 'X', quantity: 1 }]), avail).status).toBe('allocated');
    expect(plan({ ...order([{ sku: 'X', quantity: 1 }]), id: 'o2' }, avail).status).toBe('backordered');
  });
  it('flags unknown SKUs and still allocates the known ones', () => {
    const p = plan(order([{ sku: 'GHOST', quantity: 1 }, { sku: null, quantity: 1 }, { sku: 'X', quantity: 1 }]), stock([['X', 'a', 1]]));
    expect(p.unknownSkus).toEqual(['(no sku)', 'GHOST']);
    expect(p.reserve).toHaveLength(1);
    expect(p.status).toBe('partial');
  });
  it('releases everything for a cancelled order and what exceeds a lowered quantity', () => {
    const held = [{ sku: 'X', warehouseId: 'a', quantity: 2, fulfilled: 0 }, { sku: 'X', warehouseId: 'b', quantity: 1, fulfilled: 0 }];
    const avail = stock([]);
    const c = plan(order([{ sku: 'X', quantity: 3 }], { status: 'cancelled', holdings: held }), avail);
    expect(c.release).toHaveLength(2);
    expect(c.status).toBe('not_required');
    expect(avail.get(stockKey('X', 'a'))).toBe(2);
    const lowered = plan(order([{ sku: 'X', quantity: 1 }], { holdings: held }), stock([]));
    // The last-choice warehouse gives back first.
    expect(lowered.release).toEqual([{ sku: 'X', warehouseId: 'b', quantity: 1 }, { sku: 'X', warehouseId: 'a', quantity: 1 }]);
    expect(lowered.status).toBe('allocated');
  });
  it('reserves nothing more for an order that already holds what it needs', () => {
    const p = plan(order([{ sku: 'X', quantity: 2 }], { holdings: [{ sku: 'X', warehouseId: 'a', quantity: 1, fulfilled: 1 }] }), stock([['X', 'a', 9]]));
    expect(p.reserve).toEqual([]);
    expect(p.status).toBe('allocated');
  });
});
