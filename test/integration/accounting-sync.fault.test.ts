import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJournalSync } from '../../src/finance/outbox';
import { createTestHub, waitFor, type TestHub } from '../helpers/hub';
import { realServers, skipNote } from '../helpers/servers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const JOURNALS = 24;
/** The journal POST during which the worker dies: Xero has it, the hub has not yet marked it synced. */
const KILL_ON_REQUEST = 6;

/**
 * A stand-in for Xero in this process (msw cannot reach the worker's process): it records every
 * request and, like Xero, answers a repeated Idempotency-Key with the first journal instead of a new one.
 */
class FakeXero {
  readonly requests: Array<{ key: string | null; narration: string }> = [];
  /** Journals created at "Xero", by idempotency key. */
  readonly journals = new Map<string, { id: string; narration: string }>();
  onJournal?: (n: number) => Promise<void> | void;
  private server = http.createServer((req, res) => void this.handle(req, res));
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body = '';
    for await (const c of req) body += c;
    if (req.url === '/connect/token') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'xero-access', expires_in: 1800, refresh_token: 'rt-next' }));
      return;
    }
    if (req.url?.startsWith('/api.xro/2.0/ManualJournals') && req.method === 'POST') {
      const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
      const narration = JSON.parse(body).ManualJournals[0].Narration as string;
      this.requests.push({ key, narration });
      // No key: a new journal every time (what a missing idempotency key would do to the books).
      const k = key ?? `nokey-${this.requests.length}`;
      if (!this.journals.has(k)) this.journals.set(k, { id: `mj-${this.journals.size + 1}`, narration });
      await this.onJournal?.(this.requests.length);
      // A little latency, so that "Xero has it, the hub does not know yet" is a real window.
      await new Promise((r) => setTimeout(r, 50));
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Status: 'OK', ManualJournals: [{ ManualJournalID: this.journals.get(k)!.id }] }));
      return;
    }
    res.writeHead(404).end();
  }
}

describe.skipIf(!realServers)(skipNote('fault: worker SIGKILLed mid accounting sync'), () => {
  let t: TestHub;
  const xero = new FakeXero();
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await xero.start();
    t = await createTestHub({ env: { OMNIHUB_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await xero.stop();
    await t?.close();
  });

  /** `omnihub worker`, the production worker, as its own process. */
  function startWorker(): { child: ChildProcess; exited: Promise<void> } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env, DATABASE_URL: t.databaseUrl!, REDIS_URL: t.config.redisUrl!, OMNIHUB_QUEUE_PREFIX: t.queuePrefix,
        OMNIHUB_SECRET_KEY: t.config.secretKey!, OMNIHUB_DATA_DIR: t.config.dataDir, OMNIHUB_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', LOG_LEVEL: 'silent',
      },
    });
    children.push(child);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    return { child, exited };
  }

  it('posts no journal twice after the worker dies between Xero accepting a journal and the outbox recording it', { timeout: 180_000 }, async () => {
    const conn = await t.api('POST', '/api/v1/connections', {
      type: 'xero', name: 'Books (fake Xero)', config: { tenantId: 'tenant-1', clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt-1', baseUrl: `http://127.0.0.1:${xero.port}` },
    });
    expect(conn.status).toBe(201);
    const accounts = (await t.api('GET', '/api/v1/finance/accounts')).body.items as Array<{ id: string }>;
    const [debit, credit] = [accounts[0]!.id, accounts[1]!.id];
    const outboxIds: string[] = [];
    for (let i = 0; i < JOURNALS; i++) {
      const r = await t.hub.ctx.db.execute(sql`
        insert into journal_entries (kind, dedupe_key, entry_date, memo, fingerprint)
        values ('manual', ${`crash-sync-${i}`}, '2026-11-01', ${`crash journal ${i}`}, ${`fp-${i}`}) returning id`);
      const entryId = String((r.rows[0] as { id: string }).id);
      await t.hub.ctx.db.execute(sql`
        insert into journal_lines (entry_id, position, account_id, debit_minor, credit_minor, currency)
        values (${entryId}, 0, ${debit}, ${1000 + i}, 0, 'USD'), (${entryId}, 1, ${credit}, 0, ${1000 + i}, 'USD')`);
      outboxIds.push(...(await enqueueJournalSync(t.hub.ctx, entryId, [{ target: 'xero', connectionId: conn.body.id }])));
    }
    expect(outboxIds).toHaveLength(JOURNALS);

    // The first worker dies (SIGKILL) while Xero is handling the 6th journal.
    const first = startWorker();
    let killedDuring: string | undefined;
    xero.onJournal = async (n) => {
      if (n === KILL_ON_REQUEST && first.child.exitCode === null) {
        killedDuring = xero.requests[n - 1]!.narration;
        first.child.kill('SIGKILL');
        await first.exited;
      }
    };
    for (const id of outboxIds) await t.hub.queue.enqueue('accounting.sync', { outboxId: id });
    await waitFor(async () => first.child.signalCode === 'SIGKILL' || null, 90_000, 'the worker to be killed mid-sync');
    const afterKill = await t.hub.ctx.db.execute(sql`select status, count(*)::int as n from accounting_outbox group by status`);
    const stuck = (afterKill.rows as Array<{ status: string; n: number }>).find((r) => r.status === 'sending');
    expect(killedDuring).toBeDefined();

    // A new worker takes over; BullMQ hands it the jobs the dead one held once their lock expires.
    startWorker();
    await waitFor(async () => {
      const r = await t.hub.ctx.db.execute(sql`select count(*)::int as n from accounting_outbox where status = 'synced'`);
      return Number((r.rows[0] as { n: number }).n) === JOURNALS;
    }, 150_000, 'every journal synced after the restart');

    const perNarration = new Map<string, number>();
    for (const j of xero.journals.values()) perNarration.set(j.narration, (perNarration.get(j.narration) ?? 0) + 1);
    const postedTwice = [...perNarration].filter(([, n]) => n > 1);
    const resent = xero.requests.filter((r) => r.narration === killedDuring).length;
    const keys = new Set(xero.requests.map((r) => r.key));
    const remoteIds = await t.hub.ctx.db.execute(sql`select count(distinct remote_id)::int as n from accounting_outbox`);
    process.stdout.write(`[fault:accounting] journals ${JOURNALS}, requests to Xero ${xero.requests.length}, faults injected 1 (worker SIGKILLed during "${killedDuring}", ` +
      `${stuck ? `${stuck.n} outbox row(s) left 'sending'` : 'no row left sending'}), resent ${resent}x with the same key; journals created at Xero ${xero.journals.size}; posted twice ${postedTwice.length}\n`);
    expect(keys.has(null)).toBe(false);
    expect(xero.journals.size).toBe(JOURNALS);
    expect(postedTwice).toEqual([]);
    expect(perNarration.size).toBe(JOURNALS);
    expect(Number((remoteIds.rows[0] as { n: number }).n)).toBe(JOURNALS);
    // The interrupted journal really was sent again (the crash window was hit) — and deduplicated by its key.
    expect(resent).toBeGreaterThanOrEqual(2);
  });
});
