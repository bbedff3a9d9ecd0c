import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderStep } from '../../src/finance/overdue-reminders';
import { createUiHub, type UiHub } from './ui.support';
import { expectOk } from '../helpers/hub';

/**
 * Overdue reminders: one customer follow-up task per invoice and step (1, 15, 30 days overdue), never
 * twice across reruns, and an `invoice.overdue` event for each; shown on the receivables page.
 */
let t: UiHub;
let acme: any, globex: any, paid: any;
let acmeCustomerId: string;

const ok = expectOk;
const run = async (at: string) => (await ok(t.api('POST', '/api/v1/receivables/reminders/run', { at }))).created as Array<{ invoiceId: string; step: number; daysOverdue: number }>;
const tasks = async () => (await ok(t.api('GET', '/api/v1/customer-tasks?kind=overdue_invoice&status=all&limit=200'))).items as any[];

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  await ok(t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://erp.example.com/omnihub', events: ['invoice.overdue'] }));
  // ACME is already a customer (email identity); Globex is not known to the customers module yet.
  const c = await t.hub.ctx.db.execute(sql`insert into customers (name, email, b2b) values ('Acme Ltd', 'ap@acme.test', true) returning id`);
  acmeCustomerId = String((c.rows[0] as { id: string }).id);
  await t.hub.ctx.db.execute(sql`insert into customer_identities (customer_id, kind, value) values (${acmeCustomerId}, 'email', 'ap@acme.test')`);
  acme = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'AP@acme.test', currency: 'USD', netMinor: 12_345, issueDate: '2026-03-01', termsDays: 30 }));
  expect(acme.dueDate).toBe('2026-03-31');
});
afterAll(async () => t?.close());

describe('overdue reminders', () => {
  it('steps at exactly 1, 15 and 30 days overdue', () => {
    expect([0, 1, 14, 15, 29, 30, 400].map(reminderStep)).toEqual([null, 1, 1, 15, 15, 30, 30]);
  });

  it('raises one task per invoice and step at the day boundaries, never again on reruns', async () => {
    expect(await run('2026-03-31')).toEqual([]); // due today: not overdue
    const d1 = await run('2026-04-01');
    expect(d1).toEqual([expect.objectContaining({ invoiceId: acme.id, step: 1, daysOverdue: 1 })]);
    expect(await run('2026-04-01')).toEqual([]);
    expect(await run('2026-04-14')).toEqual([]);
    expect(await run('2026-04-15')).toEqual([expect.objectContaining({ invoiceId: acme.id, step: 15, daysOverdue: 15 })]);
    expect(await run('2026-04-29')).toEqual([]);
    // Globex's invoices are recorded late (issued in March, entered now): one open, due 04-10, one already paid.
    globex = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'GLOBEX', customerName: 'Globex Corp', currency: 'USD', netMinor: 50_000, issueDate: '2026-03-11', termsDays: 30 }));
    paid = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'GLOBEX', customerName: 'Globex Corp', currency: 'USD', netMinor: 1_000, issueDate: '2026-03-01', termsDays: 30 }));
    await ok(t.api('POST', '/api/v1/payments', { customerRef: 'GLOBEX', reference: 'W-1', currency: 'USD', amountMinor: 1_000, receivedDate: '2026-03-20', applications: [{ invoiceId: paid.id, amountMinor: 1_000 }] }));
    expect(globex.dueDate).toBe('2026-04-10');
    // Globex is first seen 20 days overdue: the 15-day reminder only (the 1-day one is not raised late).
    const d30 = await run('2026-04-30');
    expect(d30.map((x) => [x.invoiceId, x.step, x.daysOverdue]).sort()).toEqual([[acme.id, 30, 30], [globex.id, 15, 20]].sort());
    // Concurrent reruns of the same day add nothing.
    const again = await Promise.all([run('2026-04-30'), run('2026-04-30')]);
    expect(again).toEqual([[], []]);
    expect(await run('2026-05-09')).toEqual([]);
    expect(await run('2026-05-10')).toEqual([expect.objectContaining({ invoiceId: globex.id, step: 30 })]);
    expect(await run('2026-06-30')).toEqual([]);

    const all = await tasks();
    expect(all).toHaveLength(5);
    const forAcme = all.filter((x) => x.title.startsWith(`Invoice ${acme.number} `));
    expect(forAcme.map((x) => x.dueOn).sort()).toEqual(['2026-04-01', '2026-04-15', '2026-04-30']);
    expect(forAcme.every((x) => x.customerId === acmeCustomerId && x.kind === 'overdue_invoice' && x.status === 'open')).toBe(true);
    expect(forAcme.find((x) => x.dueOn === '2026-04-15').title).toBe(`Invoice ${acme.number} is 15 days overdue (123.45 USD outstanding)`);
    // Globex became a customer (once, for all its invoices); the paid invoice got no reminder.
    const forGlobex = all.filter((x) => x.title.startsWith(`Invoice ${globex.number} `));
    expect(forGlobex).toHaveLength(2);
    expect(new Set(forGlobex.map((x) => x.customerId)).size).toBe(1);
    expect(forGlobex[0].customerName).toBe('Globex Corp');
    expect(all.some((x) => x.title.includes(paid.number))).toBe(false);

    // One invoice.overdue event per task.
    const ev = await t.hub.ctx.db.execute(sql`select payload from webhook_deliveries where event_type = 'invoice.overdue'`);
    const payloads = (ev.rows as Array<{ payload: any }>).map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload).data);
    expect(payloads).toHaveLength(5);
    expect(payloads.filter((p) => p.invoiceId === acme.id).map((p) => p.step).sort((a, b) => a - b)).toEqual([1, 15, 30]);
    expect(payloads.find((p) => p.invoiceId === globex.id && p.step === 15)).toMatchObject({ daysOverdue: 20, outstandingMinor: 50_000, currency: 'USD', customerRef: 'GLOBEX' });
  });

  it('the receivables page lists overdue invoices with days overdue', async () => {
    const { cookie } = await t.login();
    const res = await t.page('GET', '/finance/receivables?at=2026-04-20', { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    const table = html.slice(html.indexOf('<table id="overdue"'), html.indexOf('</table>', html.indexOf('<table id="overdue"')));
    expect(table).toContain(acme.number);
    expect(table).toContain(globex.number);
    expect(table).toContain('data-days="20"');
    expect(table).toContain('data-days="10"');
    expect(table).not.toContain(paid.number);
    expect(table).toContain('20 days');
  });

  it('rejects a bad date with the field named', async () => {
    const bad = await t.api('POST', '/api/v1/receivables/reminders/run', { at: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('at');
  });
});
