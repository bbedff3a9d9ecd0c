import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { createDispatch } from '../../workers/base';
import { processors } from '../../workers/processors';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t.close());

describe('audit log', () => {
  it('records every mutating request with its actor, and never a secret', async () => {
    const created = await t.api('POST', '/api/v1/connections', {
      type: 'sandbox', name: 'Audited shop', config: { webhookSecret: 'super-secret-value-1', pollIntervalSeconds: 0 },
    });
    expect(created.status).toBe(201);
    const patched = await t.api('PATCH', `/api/v1/connections/${created.body.id}`, { name: 'Renamed shop', config: { webhookSecret: 'super-secret-value-2' } });
    expect(patched.status).toBe(200);
    await t.api('GET', '/api/v1/orders');
    const audit = await t.api('GET', '/api/v1/audit');
    expect(audit.status).toBe(200);
    const text = JSON.stringify(audit.body);
    expect(text).not.toContain('super-secret-value');
    const paths = audit.body.items.map((e: { method: string; path: string }) => `${e.method} ${e.path}`);
    expect(paths).toContain('POST /api/v1/connections');
    expect(paths).toContain(`PATCH /api/v1/connections/${created.body.id}`);
    expect(paths.filter((p: string) => p.startsWith('GET'))).toHaveLength(0);
    const patch = audit.body.items.find((e: { method: string }) => e.method === 'PATCH');
    expect(patch.details.before.name).toBe('Audited shop');
    expect(patch.details.after.name).toBe('Renamed shop');
    expect(patch.actor).toMatch(/^key:/);
    expect(patch.status).toBe(200);
  });

  it('is readable by admins only', async () => {
    const { key } = await createApiKey(t.hub.ctx, { name: 'op', role: 'operator' });
    const res = await t.app.request('/api/v1/audit', { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(403);
  });
});

describe('/metrics', () => {
  it('exposes request latency, queue depth, job durations, pending events and sync lag in Prometheus text', async () => {
    await t.api('GET', '/api/v1/orders');
    // One job run through the base processor (as a worker runs it) and one that fails.
    const dispatch = createDispatch(t.hub.ctx, processors);
    await dispatch('inbox.sweep', {}, { id: 'm-1', attempt: 1, maxAttempts: 1 });
    await expect(dispatch('inbox.drain', { reason: 42 }, { id: 'm-2', attempt: 1, maxAttempts: 1 })).rejects.toThrow();
    const res = await t.app.request('/metrics');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toMatch(/omnihub_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/orders",status="2xx"\} [1-9]/);
    expect(body).toMatch(/omnihub_queue_jobs\{queue="inbox.drain",state="waiting"\} \d+/);
    expect(body).toMatch(/omnihub_raw_events_pending \d+/);
    await expect.poll(async () => (await (await t.app.request('/metrics')).text()).match(/omnihub_job_duration_seconds_count\{queue="inbox.sweep"\} ([1-9]\d*)/)?.[1]).toBeTruthy();
    expect(await (await t.app.request('/metrics')).text()).toMatch(/omnihub_job_duration_seconds_sum\{queue="inbox.sweep"\} [\d.e-]+/);
    expect(body).toMatch(/omnihub_connection_sync_lag_seconds\{connection="[0-9a-f-]+",name="Renamed shop",type="sandbox"\} -1/);
  });
});
