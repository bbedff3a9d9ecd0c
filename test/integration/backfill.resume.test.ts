import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResumableBackfill, runSync } from '../../src/connections/run-sync';
import { createTestHub, type TestHub } from '../helpers/hub';

const run = promisify(execFile);
let t: TestHub;
let connectionId: string;
const since = '2025-01-01T00:00:00.000Z';

beforeAll(async () => {
  t = await createTestHub();
  const res = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Backfill shop', config: { pollIntervalSeconds: 0, ordersPerPull: 5 } });
  connectionId = res.body.id;
});
afterAll(() => t.close());

describe('omnihub backfill', () => {
  it('resumes the unfinished backfill for the same start date, not a finished one or another date', async () => {
    expect(await findResumableBackfill(t.hub.ctx, connectionId, since)).toBeNull();
    const done = await runSync(t.hub.ctx, { connectionId, kind: 'backfill', since });
    expect(await findResumableBackfill(t.hub.ctx, connectionId, since)).toBeNull();
    // An interrupted run (a crash leaves it 'running' with its cursor in params) is the one to resume.
    await t.hub.ctx.db.execute(sql`update sync_runs set status = 'running', params = params || '{"cursor":{"next":5}}'::jsonb where id = ${done.syncRunId}`);
    expect(await findResumableBackfill(t.hub.ctx, connectionId, since)).toBe(done.syncRunId);
    expect(await findResumableBackfill(t.hub.ctx, connectionId, '2024-01-01T00:00:00.000Z')).toBeNull();
    const resumed = await runSync(t.hub.ctx, { connectionId, kind: 'backfill', since, syncRunId: done.syncRunId });
    expect(resumed.syncRunId).toBe(done.syncRunId);
    // The sandbox cursor continued at order 5: the second pass stored orders 5..9 (and one update), not 0..4 again.
    const ids = await t.hub.ctx.db.execute(sql`select distinct delivery_id from raw_events where connection_id = ${connectionId} order by 1`);
    expect(ids.rows.map((r) => (r as { delivery_id: string }).delivery_id).filter((d) => d.includes('SBX-demo-5'))).toHaveLength(1);
  });

  it('refuses a backfill without --since (exit 2) and names the command in --help', async () => {
    const help = await run('npx', ['tsx', 'src/cli.ts', 'backfill', '--help']);
    expect(help.stdout).toMatch(/backfill <connectionId> --since/);
    await expect(run('npx', ['tsx', 'src/cli.ts', 'backfill', connectionId])).rejects.toMatchObject({ code: 2 });
  });
});
