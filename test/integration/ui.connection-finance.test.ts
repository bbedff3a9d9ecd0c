import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import type { ValidationError } from '../../src/errors';
import { percentToBps, bpsToPercent } from '../../src/ui/pages/connection-finance';
import { createUiHub, type UiHub } from './ui.support';

/**
 * A payments connection's page carries its payouts: pull now, how often, the fee schedule and rules
 * its payouts are reconciled by, the journal mode and the accounting systems journals go to.
 */
let t: UiHub;
let cookie: string;
let csrf: string;
let stripe: string;
let xero: string;
let sandbox: string;

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  ({ cookie, csrf } = await t.login());
  stripe = (await t.api('POST', '/api/v1/connections', { type: 'stripe', name: 'Stripe EU', config: { secretKey: 'sk_test_ui_finance', baseUrl: 'https://api.stripe.test' } })).body.id;
  xero = (await t.api('POST', '/api/v1/connections', { type: 'xero', name: 'Books', config: { tenantId: 'tenant-1', clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt-1', baseUrl: 'https://xero.test' } })).body.id;
  sandbox = (await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Web shop', config: { pollIntervalSeconds: 0 } })).body.id;
  // Set through the API: what the form does not show must survive a save from the form.
  await t.api('PUT', `/api/v1/finance/settings/${stripe}`, { bookedRates: { EUR: '1.10' }, orderConnectionIds: [sandbox] });
});
afterAll(() => t?.close());

const save = (form: Record<string, string | string[]>) => t.page('POST', `/connections/${stripe}/finance`, { cookie, form: {
  _csrf: csrf, payoutPollSeconds: '0', feePercent: '', feeFixedMinor: '0', feeToleranceMinor: '0', amountToleranceMinor: '0',
  dateWindowDays: '3', settlementWindowDays: '0', journalMode: 'summary', ...form,
} });

describe('payouts on the connection page', () => {
  it('percentages become basis points exactly, and back', () => {
    expect(percentToBps('2.9')).toBe(290);
    expect(percentToBps('1,75')).toBe(175);
    expect(percentToBps(' 3 ')).toBe(300);
    expect(percentToBps('')).toBeNull();
    const fieldError = (text: string) => { try { percentToBps(text); } catch (e) { return (e as ValidationError).errors; } return null; };
    expect(fieldError('2.905')).toEqual([{ path: 'feePercent', message: expect.stringMatching(/two decimals/) }]);
    expect(fieldError('101')).toEqual([{ path: 'feePercent', message: expect.stringMatching(/100 percent/) }]);
    expect([290, 300, 175, 5, 10_000].map(bpsToPercent)).toEqual(['2.9', '3', '1.75', '0.05', '100']);
  });

  it('shows the panel on payments connections only, with the stored settings', async () => {
    const html = await (await t.page('GET', `/connections/${stripe}`, { cookie })).text();
    expect(html).toContain('id="payouts-panel"');
    expect(html).toContain(`action="/connections/${stripe}/payouts/pull"`);
    expect(html).toMatch(/id="fin-dateWindowDays" name="dateWindowDays"[^>]*value="3"/);
    expect(html).toContain(`href="/finance?connectionId=${stripe}"`);
    // The Xero connection is offered as a target, unchecked.
    expect(html).toMatch(new RegExp(`name="target" value="${xero}"(?![^>]*checked)`));
    const x = await (await t.page('GET', `/connections/${xero}`, { cookie })).text();
    expect(x).not.toContain('id="payouts-panel"');
  });

  it('saves the form into the finance settings, keeping what the form does not show', async () => {
    const res = await save({ payoutPollSeconds: '3600', feePercent: '2.9', feeFixedMinor: '30', feeToleranceMinor: '1', amountToleranceMinor: '2', journalMode: 'per_order', target: [xero] });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/connections/${stripe}?finance=1`);
    const s = (await t.api('GET', `/api/v1/finance/settings/${stripe}`)).body;
    expect(s).toMatchObject({
      payoutPollSeconds: 3600, journalMode: 'per_order', bookedRates: { EUR: '1.10' }, orderConnectionIds: [sandbox],
      accountingTargets: [{ target: 'xero', connectionId: xero }],
      rules: { feeSchedule: { percentBps: 290, fixedMinor: 30, toleranceMinor: 1 }, amountToleranceMinor: 2, dateWindowDays: 3 },
    });
    // The pull is scheduled every hour, as the API's PUT does.
    const sched = await t.hub.ctx.db.execute(sql`select every_ms from queue_schedules where key = ${`payouts:${stripe}`}`);
    expect(sched.rows).toEqual([{ every_ms: 3_600_000 }]);
    const page = await (await t.page('GET', `/connections/${stripe}?finance=1`, { cookie })).text();
    expect(page).toContain('Finance settings saved.');
    expect(page).toMatch(/id="fin-feePercent" name="feePercent"[^>]*value="2.9"/);
    expect(page).toMatch(new RegExp(`name="target" value="${xero}"[^>]*checked`));
    // A blank percentage turns the fee check off; unticking the target removes it.
    expect((await save({ feePercent: '' })).status).toBe(303);
    const off = (await t.api('GET', `/api/v1/finance/settings/${stripe}`)).body;
    expect(off.rules.feeSchedule).toBeNull();
    expect(off.accountingTargets).toEqual([]);
  });

  it('names the wrong field and keeps what was typed', async () => {
    const before = (await t.api('GET', `/api/v1/finance/settings/${stripe}`)).body;
    const res = await save({ feePercent: 'abc', payoutPollSeconds: '120' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/id="fin-feePercent"[^>]*aria-invalid="true"/);
    expect(html).toContain('a percentage with at most two decimals');
    expect(html).toMatch(/id="fin-payoutPollSeconds"[^>]*value="120"/);
    const tooLong = await save({ payoutPollSeconds: '100000' });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toMatch(/id="fin-payoutPollSeconds"[^>]*aria-invalid="true"/);
    expect((await t.api('GET', `/api/v1/finance/settings/${stripe}`)).body).toEqual(before);
  });

  it('queues a payout pull from the button', async () => {
    const res = await t.page('POST', `/connections/${stripe}/payouts/pull`, { cookie, form: { _csrf: csrf } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/connections/${stripe}?payouts=1`);
    // The embedded queue keeps its jobs in the database: the pull is there, keyed like the API's.
    const jobs = await t.hub.ctx.db.execute(sql`select payload, job_key from queue_jobs where name = 'payouts.pull'`);
    expect(jobs.rows).toEqual([{ payload: { connectionId: stripe }, job_key: `payouts.pull:${stripe}` }]);
    const notPayments = await t.page('POST', `/connections/${xero}/payouts/pull`, { cookie, form: { _csrf: csrf } });
    expect(notPayments.status).toBe(400);
    // The API says so too, naming the field, instead of queuing a job bound to fail.
    const api = await t.api('POST', '/api/v1/payouts/pull', { connectionId: xero });
    expect(api.status).toBe(400);
    expect(JSON.stringify(api.body)).toContain('connectionId');
  });

  it('lets accountants save finance settings, and viewers only read them', async () => {
    const { key: accountant } = await createApiKey(t.hub.ctx, { name: 'acc', role: 'accountant' });
    const a = await t.login(accountant);
    const asAccountant = await t.page('POST', `/connections/${stripe}/finance`, { cookie: a.cookie, form: {
      _csrf: a.csrf, payoutPollSeconds: '0', feePercent: '3', feeFixedMinor: '0', feeToleranceMinor: '0', amountToleranceMinor: '0', dateWindowDays: '3', settlementWindowDays: '0', journalMode: 'summary',
    } });
    expect(asAccountant.status).toBe(303);
    const { key: viewer } = await createApiKey(t.hub.ctx, { name: 'viewer', role: 'viewer' });
    const v = await t.login(viewer);
    const html = await (await t.page('GET', `/connections/${stripe}`, { cookie: v.cookie })).text();
    expect(html).toMatch(/id="fin-feePercent"[^>]*disabled/);
    expect(html).not.toContain('Save finance settings');
    const denied = await t.page('POST', `/connections/${stripe}/finance`, { cookie: v.cookie, form: { _csrf: v.csrf, payoutPollSeconds: '0' } });
    expect(denied.status).toBe(403);
  });

  it('lists one connection\'s payouts, and the filter stays across the tabs', async () => {
    const html = await (await t.page('GET', `/finance?connectionId=${stripe}`, { cookie })).text();
    expect(html).toContain('Payouts of Stripe EU');
    expect(html).toContain(`href="/finance?connectionId=${stripe}&amp;reconciliation=open"`);
  });
});
