import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context';
import { resolveAllUnlinked, resolveCustomers } from '../../src/customers/resolve-customers';
import { queueAfterDrain } from '../../src/inbox/queue-after-drain';
import { createTestHub, type TestHub } from '../helpers/hub';
import { connection, customerOf, seedOrders } from './customers.helpers';

let t: TestHub;
let shop: string;
let woo: string;
let amazonUs: string;
let amazonDe: string;
let pos: string;

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  shop = await connection(t, 'Shopify');
  woo = await connection(t, 'WooCommerce');
  amazonUs = await connection(t, 'Amazon US');
  amazonDe = await connection(t, 'Amazon DE');
  pos = await connection(t, 'Square POS');
});
afterAll(() => t.close());

const resolve = (ids: string[]) => resolveCustomers(t.hub.ctx, { orderIds: ids });

describe('identity resolution', () => {
  it('matches emails whatever their case and whitespace, across channels', async () => {
    const ids = await seedOrders(t, [
      { connectionId: shop, channel: 'shopify', customer: { email: 'Ada.Lovelace@Example.com', name: 'Ada Lovelace' } },
      { connectionId: woo, channel: 'woocommerce', customer: { email: '  ada.lovelace@EXAMPLE.COM\t', name: 'A. Lovelace' } },
    ]);
    const r = await resolve(ids);
    expect(r).toMatchObject({ orders: 2, linked: 2, created: 1 });
    const [a, b] = [await customerOf(t, ids[0]!), await customerOf(t, ids[1]!)];
    expect(a).toBeDefined();
    expect(b).toBe(a);
    const c = await t.api('GET', `/api/v1/customers/${a}`);
    expect(c.body).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace', orderCount: 2, channels: ['shopify', 'woocommerce'] });
  });

  it('matches a phone written in CN, TW and HK local and international forms (E.164), region from the address', async () => {
    const ids = await seedOrders(t, [
      { connectionId: shop, channel: 'shopify', customer: { name: '陳大文', phone: '0912-345-678' }, ship: { country: 'TW', line1: '信義路五段7號', city: '台北市' } },
      { connectionId: pos, channel: 'square', customer: { name: '陳大文', phone: '+886 912 345 678' } },
      { connectionId: woo, channel: 'woocommerce', customer: { name: '陈大文', phone: '００８８６９１２３４５６７８' } },
      { connectionId: shop, channel: 'shopify', customer: { name: '王小明', phone: '138 0013 8000' }, ship: { country: 'CN', line1: '南京路1号', city: '上海' } },
      { connectionId: pos, channel: 'square', customer: { name: '王小明', phone: '+86-138-0013-8000' } },
      { connectionId: shop, channel: 'shopify', customer: { name: 'Chan Tai Man', phone: '9123 4567' }, ship: { country: 'HK', line1: '1 Queen\'s Rd', city: 'Hong Kong' } },
      { connectionId: woo, channel: 'woocommerce', customer: { name: 'Chan Tai Man', phone: '+852 9123-4567' } },
    ]);
    const r = await resolve(ids);
    expect(r.created).toBe(3);
    const owners = await Promise.all(ids.map((id) => customerOf(t, id)));
    expect(owners[1]).toBe(owners[0]);
    expect(owners[2]).toBe(owners[0]);
    expect(owners[4]).toBe(owners[3]);
    expect(owners[6]).toBe(owners[5]);
    expect(new Set(owners).size).toBe(3);
    const tw = await t.api('GET', `/api/v1/customers/${owners[0]}`);
    expect(tw.body.phone).toBe('+886912345678');
    expect(tw.body.identities.filter((i: { kind: string }) => i.kind === 'phone').map((i: { value: string }) => i.value)).toEqual(['+886912345678']);
  });

  it('prefers email over phone: a known email wins even when the phone belongs to someone else, and no merge happens', async () => {
    const [first] = await seedOrders(t, [{ connectionId: shop, channel: 'shopify', customer: { email: 'grace@example.com', phone: '+1 415 555 2671' } }]);
    await resolve([first!]);
    const [second] = await seedOrders(t, [{ connectionId: shop, channel: 'shopify', customer: { email: 'linus@example.com', phone: '+1 415 555 2672' } }]);
    await resolve([second!]);
    // Linus's email with Grace's phone: the email decides.
    const [mixed] = await seedOrders(t, [{ connectionId: woo, channel: 'woocommerce', customer: { email: 'LINUS@example.com', phone: '+14155552671' } }]);
    await resolve([mixed!]);
    expect(await customerOf(t, mixed!)).toBe(await customerOf(t, second!));
    expect(await customerOf(t, first!)).not.toBe(await customerOf(t, second!));
    const phoneOwner = await t.hub.ctx.db.execute(sql`select customer_id from customer_identities where kind = 'phone' and value = '+14155552671'`);
    expect((phoneOwner.rows[0] as { customer_id: string }).customer_id).toBe(await customerOf(t, first!));
  });

  it('fills a known customer\'s missing contact data from later orders', async () => {
    const [posOrder] = await seedOrders(t, [{ connectionId: pos, channel: 'square', customer: { phone: '+886 2 2345 6789' } }]);
    await resolve([posOrder!]);
    const [webOrder] = await seedOrders(t, [{ connectionId: shop, channel: 'shopify', customer: { phone: '02-2345-6789', email: 'Shop@Example.tw', name: '林小姐' }, ship: { country: 'TW' } }]);
    await resolve([webOrder!]);
    const id = await customerOf(t, posOrder!);
    expect(await customerOf(t, webOrder!)).toBe(id);
    const c = await t.api('GET', `/api/v1/customers/${id}`);
    expect(c.body).toMatchObject({ name: '林小姐', email: 'shop@example.tw', phone: '+886223456789', orderCount: 2 });
  });

  it('falls back to the channel customer id (explicit link) when there is no email or phone', async () => {
    const ids = await seedOrders(t, [
      { connectionId: shop, channel: 'shopify', customer: { externalId: 'gid://shopify/Customer/42', name: 'No Contact' } },
      { connectionId: shop, channel: 'shopify', customer: { externalId: 'gid://shopify/Customer/42' } },
      // The same id on another connection is another customer.
      { connectionId: woo, channel: 'woocommerce', customer: { externalId: 'gid://shopify/Customer/42' } },
    ]);
    await resolve(ids);
    const owners = await Promise.all(ids.map((id) => customerOf(t, id)));
    expect(owners[1]).toBe(owners[0]);
    expect(owners[2]).not.toBe(owners[0]);
  });

  it('never merges different Amazon buyers through masked relay addresses, and never matches a masked address across marketplaces', async () => {
    const ids = await seedOrders(t, [
      { connectionId: amazonUs, channel: 'amazon', customer: { email: 'abc123xyz@marketplace.amazon.com', name: 'Buyer One' } },
      { connectionId: amazonUs, channel: 'amazon', customer: { email: 'def456uvw@marketplace.amazon.com', name: 'Buyer Two' } },
      { connectionId: amazonUs, channel: 'amazon', customer: { email: 'ABC123XYZ@marketplace.amazon.com ', name: 'Buyer One' } },
      { connectionId: amazonDe, channel: 'amazon', customer: { email: 'abc123xyz@marketplace.amazon.com', name: 'Käufer' } },
    ]);
    await resolve(ids);
    const owners = await Promise.all(ids.map((id) => customerOf(t, id)));
    expect(owners[2]).toBe(owners[0]);
    expect(owners[1]).not.toBe(owners[0]);
    expect(owners[3]).not.toBe(owners[0]);
    const c = await t.api('GET', `/api/v1/customers/${owners[0]}`);
    // A relay address is not the customer's email: it cannot be used to contact or to match elsewhere.
    expect(c.body.email).toBeNull();
    expect(c.body.identities.map((i: { kind: string }) => i.kind)).toEqual(['masked_email']);
  });

  it('leaves orders with no contact at all unlinked, and is idempotent', async () => {
    const ids = await seedOrders(t, [
      { connectionId: pos, channel: 'square', customer: null },
      { connectionId: pos, channel: 'square', customer: { email: 'repeat@example.com' } },
    ]);
    const first = await resolve(ids);
    expect(first).toMatchObject({ orders: 2, linked: 1, skipped: 1, created: 1 });
    const again = await resolve(ids);
    expect(again).toMatchObject({ linked: 0, created: 0 });
    expect(await customerOf(t, ids[0]!)).toBeUndefined();
  });

  it('resolves orders sharing a new email inside one batch to one new customer', async () => {
    const ids = await seedOrders(t, Array.from({ length: 30 }, (_, i) => ({
      connectionId: i % 2 ? shop : woo, channel: i % 2 ? 'shopify' : 'woocommerce',
      customer: { email: `batch${i % 3}@example.com`, name: `Batch ${i % 3}` },
    })));
    const r = await resolve(ids);
    expect(r).toMatchObject({ linked: 30, created: 3 });
    const n = await t.hub.ctx.db.execute(sql`select count(distinct customer_id)::int as n from customer_orders where order_id = any(${`{${ids.join(',')}}`}::uuid[])`);
    expect((n.rows[0] as { n: number }).n).toBe(3);
  });

  it('backfills every unlinked order in chunks', async () => {
    const ids = await seedOrders(t, Array.from({ length: 25 }, (_, i) => ({
      connectionId: shop, channel: 'shopify', customer: { email: `backfill${i % 5}@example.com` },
    })));
    const r = await resolveAllUnlinked(t.hub.ctx, { limit: 7 });
    expect(r.linked).toBe(25);
    expect(new Set(await Promise.all(ids.map((id) => customerOf(t, id)))).size).toBe(5);
    expect((await resolveAllUnlinked(t.hub.ctx, { limit: 7 })).linked).toBe(0);
  });

  it('is queued after a drain with the created orders, apart from ingestion', async () => {
    const jobs: Array<{ name: string; payload: any }> = [];
    const ctx: Ctx = { ...t.hub.ctx, queue: { ...t.hub.ctx.queue, enqueue: async (name: string, payload: unknown) => void jobs.push({ name, payload }) } as Ctx['queue'] };
    const id = '00000000-0000-4000-8000-000000000001';
    await queueAfterDrain(ctx, [{ id, outcome: 'created', externalId: 'X', connectionId: shop, skus: [] } as never]);
    expect(jobs.filter((j) => j.name === 'customers.resolve').map((j) => j.payload)).toEqual([{ orderIds: [id] }]);
  });
});

describe('manual merge and split', () => {
  it('splits two real people sharing one email, records it, and new orders with that email stay with the identity owner', async () => {
    const ids = await seedOrders(t, [
      { connectionId: shop, channel: 'shopify', customer: { email: 'family@example.com', name: 'Mum' }, totalMinor: 5000 },
      { connectionId: shop, channel: 'shopify', customer: { email: 'family@example.com', name: 'Son' }, totalMinor: 700 },
      { connectionId: woo, channel: 'woocommerce', customer: { email: 'family@example.com', name: 'Son' }, totalMinor: 800 },
    ]);
    await resolve(ids);
    const mum = (await customerOf(t, ids[0]!))!;
    expect(await customerOf(t, ids[2]!)).toBe(mum);
    const split = await t.api('POST', `/api/v1/customers/${mum}/split`, { orderIds: [ids[1], ids[2]], name: 'Son', reason: 'two people, one email' });
    expect(split.status).toBe(201);
    const son = split.body.to.id;
    expect(split.body.to).toMatchObject({ name: 'Son', orderCount: 2, ltvByCurrency: { USD: 1500 } });
    expect(split.body.from).toMatchObject({ orderCount: 1, ltvByCurrency: { USD: 5000 } });
    expect(split.body.from.history[0]).toMatchObject({ kind: 'split', customerId: mum, otherCustomerId: son, reason: 'two people, one email' });
    expect(split.body.from.history[0].orderIds.sort()).toEqual([ids[1], ids[2]].sort());
    // The resolver does not undo a person's split.
    await resolveAllUnlinked(t.hub.ctx);
    expect(await customerOf(t, ids[1]!)).toBe(son);
    // Orders of another customer cannot be split off this one.
    const wrong = await t.api('POST', `/api/v1/customers/${mum}/split`, { orderIds: [ids[1]] });
    expect(wrong.status).toBe(409);
  });

  it('merges a customer into another (recorded), and a split with the recorded ids reverses it', async () => {
    const ids = await seedOrders(t, [
      { connectionId: shop, channel: 'shopify', customer: { email: 'ming@example.com', name: '王小明' }, totalMinor: 1000 },
      { connectionId: pos, channel: 'square', customer: { phone: '+8613900139000', name: '王小明' }, totalMinor: 2000 },
    ]);
    await resolve(ids);
    const [a, b] = [(await customerOf(t, ids[0]!))!, (await customerOf(t, ids[1]!))!];
    expect(a).not.toBe(b);
    const merged = await t.api('POST', `/api/v1/customers/${a}/merge`, { sourceId: b });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ orderCount: 2, phone: '+8613900139000', channels: ['shopify', 'square'] });
    const gone = await t.api('GET', `/api/v1/customers/${b}`);
    expect(gone.body).toMatchObject({ status: 'merged', mergedInto: a, orderCount: 0 });
    // Future orders with the source's phone land on the survivor.
    const [later] = await seedOrders(t, [{ connectionId: pos, channel: 'square', customer: { phone: '139 0013 9000' }, ship: { country: 'CN' } }]);
    await resolve([later!]);
    expect(await customerOf(t, later!)).toBe(a);
    // Merging again is a conflict; the history holds what moved.
    expect((await t.api('POST', `/api/v1/customers/${a}/merge`, { sourceId: b })).status).toBe(409);
    const rec = merged.body.history.find((h: { kind: string }) => h.kind === 'merge');
    expect(rec.orderIds).toEqual([ids[1]]);
    const undo = await t.api('POST', `/api/v1/customers/${a}/split`, { orderIds: rec.orderIds, identityIds: merged.body.identities.filter((i: { kind: string }) => i.kind === 'phone').map((i: { id: string }) => i.id) });
    expect(undo.status).toBe(201);
    expect(undo.body.to).toMatchObject({ orderCount: 1, name: '王小明' });
    // The survivor keeps its own order and the later one that arrived after the merge.
    expect(undo.body.from.orderCount).toBe(2);
    expect(undo.body.to.identities.map((i: { value: string }) => i.value)).toEqual(['+8613900139000']);
  });
});
