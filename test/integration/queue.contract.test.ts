import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { BullQueue } from '../../src/queue/bullmq';
import type { PolicyOverrides } from '../../src/queue/catalogue';
import { EmbeddedQueue } from '../../src/queue/embedded';
import { PermanentJobError, type Dispatch, type JobMeta, type JobQueue } from '../../src/queue/port';
import { createTestDatabase, waitFor } from '../helpers/hub';
import { DATABASE_URL, REDIS_URL, skipNote } from '../helpers/servers';

/** Short back-offs so retries happen within a test; the catalogue's real ones are seconds. */
const POLICIES: PolicyOverrides = {
  'inbox.drain': { attempts: 3, backoffMs: 60, concurrency: 1 },
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Call {
  reason: string | undefined;
  meta: JobMeta;
  at: number;
}

/** Records every run of `inbox.drain` (its `reason` tags the job) and lets a test decide the outcome. */
function recorder(behaviour: (reason: string | undefined, meta: JobMeta) => Promise<void> = async () => {}) {
  const calls: Call[] = [];
  let running = 0;
  let maxRunning = 0;
  const dispatch: Dispatch = async (_name, payload, meta) => {
    const reason = (payload as { reason?: string }).reason;
    calls.push({ reason, meta, at: Date.now() });
    running++;
    maxRunning = Math.max(maxRunning, running);
    try {
      await behaviour(reason, meta);
    } finally {
      running--;
    }
  };
  return { calls, dispatch, maxRunning: () => maxRunning, of: (r: string) => calls.filter((c) => c.reason === r) };
}

interface Adapter {
  make(): Promise<JobQueue>;
  cleanup?(q: JobQueue): Promise<void>;
}

/** The contract both adapters honour for what the hub uses of BullMQ. */
function contract(label: string, adapter: () => Adapter) {
  describe(`queue contract: ${label}`, () => {
    let a: Adapter;
    const open: JobQueue[] = [];
    const make = async () => {
      const q = await a.make();
      open.push(q);
      return q;
    };
    beforeAll(() => {
      a = adapter();
    });
    afterEach(async () => {
      for (const q of open.splice(0)) {
        await q.close();
        await a.cleanup?.(q);
      }
    });

    it('retries a failing job with back-off until it succeeds', async () => {
      const q = await make();
      const r = recorder(async (_reason, meta) => {
        if (meta.attempt < 3) throw new Error(`transient failure ${meta.attempt}`);
      });
      await q.work(r.dispatch, { concurrency: 2, only: ['inbox.drain'] });
      await q.enqueue('inbox.drain', { reason: 'flaky' });
      await waitFor(async () => r.of('flaky').length >= 3, 10_000, 'three attempts');
      await sleep(400);
      const calls = r.of('flaky');
      expect(calls.map((c) => c.meta.attempt)).toEqual([1, 2, 3]);
      // Back-off: 60 ms, then 120 ms, each with at most 50% jitter taken off.
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(25);
      expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(55);
      const counts = await q.counts();
      expect(counts['inbox.drain']).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('fails a job once its attempts are used up, and runs it no more', async () => {
      const q = await make();
      const r = recorder(async () => {
        throw new Error('always broken');
      });
      await q.work(r.dispatch, { only: ['inbox.drain'] });
      await q.enqueue('inbox.drain', { reason: 'doomed' });
      await waitFor(async () => (await q.counts())['inbox.drain']!.failed === 1, 10_000, 'the job to fail');
      await sleep(500);
      expect(r.of('doomed').map((c) => c.meta.attempt)).toEqual([1, 2, 3]);
      expect(r.of('doomed')[0]!.meta.maxAttempts).toBe(3);
    });

    it('fails a job that throws PermanentJobError at once, without retrying', async () => {
      const q = await make();
      const r = recorder(async () => {
        throw new PermanentJobError('invalid payload');
      });
      await q.work(r.dispatch, { only: ['inbox.drain'] });
      await q.enqueue('inbox.drain', { reason: 'permanent' });
      await waitFor(async () => (await q.counts())['inbox.drain']!.failed === 1, 10_000, 'the job to fail');
      await sleep(500);
      expect(r.of('permanent')).toHaveLength(1);
    });

    it('does not run a delayed job before its time', async () => {
      const q = await make();
      const r = recorder();
      await q.work(r.dispatch, { only: ['inbox.drain'] });
      const enqueuedAt = Date.now();
      await q.enqueue('inbox.drain', { reason: 'later' }, { delayMs: 700 });
      expect((await q.counts())['inbox.drain']!.delayed).toBe(1);
      await sleep(400);
      expect(r.of('later')).toHaveLength(0);
      await waitFor(async () => r.of('later').length === 1, 10_000, 'the delayed job');
      expect(r.of('later')[0]!.at - enqueuedAt).toBeGreaterThanOrEqual(680);
    });

    it('runs a repeatable job repeatedly until it is unscheduled', async () => {
      const q = await make();
      const r = recorder();
      await q.work(r.dispatch, { only: ['inbox.drain'] });
      await q.schedule('contract-repeat', 'inbox.drain', { reason: 'repeat' }, 250);
      await waitFor(async () => r.of('repeat').length >= 3, 15_000, 'three repeats');
      await q.unschedule('contract-repeat');
      // A run already queued when unscheduling may still happen once; after that, nothing.
      await sleep(1200);
      const settled = r.of('repeat').length;
      await sleep(1500);
      expect(r.of('repeat').length).toBe(settled);
    });

    it('ignores a second job with the same jobId while the first waits, and accepts it again once done', async () => {
      const q = await make();
      const r = recorder();
      await q.enqueue('inbox.drain', { reason: 'dedupe' }, { jobId: 'same-id', delayMs: 300 });
      await q.enqueue('inbox.drain', { reason: 'dedupe' }, { jobId: 'same-id', delayMs: 300 });
      await q.enqueue('inbox.drain', { reason: 'dedupe' }, { jobId: 'same-id' });
      const c = (await q.counts())['inbox.drain']!;
      expect(c.waiting + c.delayed).toBe(1);
      await q.work(r.dispatch, { only: ['inbox.drain'] });
      await waitFor(async () => r.of('dedupe').length === 1, 10_000, 'the job');
      await sleep(600);
      expect(r.of('dedupe')).toHaveLength(1);
      await waitFor(async () => (await q.counts())['inbox.drain']!.active === 0, 5000, 'completion');
      await q.enqueue('inbox.drain', { reason: 'dedupe' }, { jobId: 'same-id' });
      await waitFor(async () => r.of('dedupe').length === 2, 10_000, 'the job to run again');
    });

    it('takes any job id the hub makes, colons and all, and deduplicates on it', async () => {
      const q = await make();
      const r = recorder();
      // The hub's keys name what they guard: `payouts.pull:<connection>`, `accounting.sync:<outbox row>`.
      await q.enqueue('inbox.drain', { reason: 'colon' }, { jobId: 'payouts.pull:0b7d', delayMs: 300 });
      await q.enqueue('inbox.drain', { reason: 'colon' }, { jobId: 'payouts.pull:0b7d' });
      await q.enqueue('inbox.drain', { reason: 'other' }, { jobId: 'payouts.pull_0b7d' });
      const c = (await q.counts())['inbox.drain']!;
      expect(c.waiting + c.delayed).toBe(2);
      await q.work(r.dispatch, { only: ['inbox.drain'] });
      await waitFor(async () => r.of('colon').length === 1 && r.of('other').length === 1, 10_000, 'both jobs');
    });

    it('never runs more jobs at once than the concurrency limit', async () => {
      const q = await make();
      const r = recorder(() => sleep(120));
      for (let i = 0; i < 10; i++) await q.enqueue('inbox.drain', { reason: 'parallel' });
      await q.work(r.dispatch, { concurrency: 3, only: ['inbox.drain'] });
      await waitFor(async () => r.of('parallel').length === 10, 15_000, 'ten jobs');
      expect(r.maxRunning()).toBeLessThanOrEqual(3);
      // …and it does use the parallelism it is allowed.
      expect(r.maxRunning()).toBeGreaterThanOrEqual(2);
    });
  });
}

contract('EmbeddedQueue (PGlite)', () => {
  // One database for the suite; each test starts from empty queue tables.
  let database: Promise<Database> | undefined;
  afterAll(async () => {
    if (database) await (await database).close();
  });
  return {
    async make() {
      database ??= openDatabase({ dataDir: 'memory://' }).then(async (d) => {
        await migrate(d);
        return d;
      });
      const d = await database;
      await d.db.execute(sql`delete from queue_jobs`);
      await d.db.execute(sql`delete from queue_schedules`);
      return new EmbeddedQueue(d.db, { pollMs: 20, policies: POLICIES });
    },
  };
});

describe.skipIf(!REDIS_URL)(skipNote('queue contract: BullQueue (Redis)'), () => {
  contract('BullQueue (Redis)', () => ({
    async make() {
      return new BullQueue(REDIS_URL!, `tq${randomBytes(5).toString('hex')}`, { policies: POLICIES });
    },
    async cleanup(q) {
      // close() has run; a fresh handle on the same prefix removes its keys.
      const prefix = (q as unknown as { prefix: string }).prefix;
      const wipe = new BullQueue(REDIS_URL!, prefix);
      await wipe.obliterate();
      await wipe.close();
    },
  }));
});

describe('embedded queue: jobs survive a restart of the hub', () => {
  const dir = () => path.join(mkdtempSync(path.join(tmpdir(), 'omnihub-queue-')), 'pglite');
  const opened: Database[] = [];
  afterAll(async () => {
    for (const d of opened) await d.close().catch(() => {});
  });
  async function openAt(dataDir: string): Promise<Database> {
    const d = await openDatabase({ dataDir });
    await migrate(d);
    opened.push(d);
    return d;
  }

  it('runs a job that was waiting when the hub stopped', async () => {
    const dataDir = dir();
    const first = await openAt(dataDir);
    const q1 = new EmbeddedQueue(first.db, { pollMs: 20, policies: POLICIES });
    await q1.enqueue('inbox.drain', { reason: 'survivor' });
    await q1.enqueue('inbox.drain', { reason: 'survivor-delayed' }, { delayMs: 200 });
    await q1.close();
    await first.close();

    const second = await openAt(dataDir);
    const q2 = new EmbeddedQueue(second.db, { pollMs: 20, policies: POLICIES });
    const r = recorder();
    await q2.work(r.dispatch);
    await waitFor(async () => r.of('survivor').length === 1 && r.of('survivor-delayed').length === 1, 10_000, 'both jobs');
    await q2.close();
    await second.close();
  });

  it('runs again a job that was active when the process died', async () => {
    const dataDir = dir();
    const first = await openAt(dataDir);
    const q1 = new EmbeddedQueue(first.db, { pollMs: 20, policies: POLICIES });
    let release!: () => void;
    const hang = new Promise<void>((resolve) => {
      release = resolve;
    });
    const r1 = recorder(() => hang);
    await q1.work(r1.dispatch);
    await q1.enqueue('inbox.drain', { reason: 'interrupted' });
    await waitFor(async () => r1.of('interrupted').length === 1, 10_000, 'the job to start');
    const before = await first.db.execute(sql`select status, attempts from queue_jobs`);
    expect(before.rows).toEqual([{ status: 'active', attempts: 1 }]);
    // The process "dies": the database goes away with the job still marked active.
    await first.close();
    release();
    await q1.close();

    const second = await openAt(dataDir);
    // PGlite: nobody else can hold the job, so it is taken back at once.
    const q2 = new EmbeddedQueue(second.db, { pollMs: 20, policies: POLICIES, exclusive: true });
    const r2 = recorder();
    await q2.work(r2.dispatch);
    await waitFor(async () => r2.of('interrupted').length === 1, 10_000, 'the job to run again');
    expect(r2.of('interrupted')[0]!.meta.attempt).toBe(2);
    await waitFor(async () => ((await second.db.execute(sql`select count(*)::int as n from queue_jobs`)).rows[0] as { n: number }).n === 0, 5000, 'the job row to go');
    await q2.close();
    await second.close();
  });
});

describe.skipIf(!DATABASE_URL)(skipNote('embedded queue on a shared PostgreSQL: two processes'), () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let other: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
    other = await openDatabase({ url: db.url!, poolSize: 4 });
  });
  afterAll(async () => {
    await other?.close();
    await db?.drop();
  });

  it('does not run again a job another live process is running, but takes back one whose lock lapsed', async () => {
    const qa = new EmbeddedQueue(db.database.db, { pollMs: 20, policies: POLICIES, lockMs: 300 });
    let release!: () => void;
    const hang = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ra = recorder(() => hang);
    await qa.work(ra.dispatch);
    await qa.enqueue('inbox.drain', { reason: 'held' });
    await waitFor(async () => ra.of('held').length === 1, 10_000, 'A to start the job');

    // B starts on the same database while A works (and heartbeats) for longer than the lock time.
    const qb = new EmbeddedQueue(other.db, { pollMs: 20, policies: POLICIES, lockMs: 300 });
    const rb = recorder();
    await qb.work(rb.dispatch);
    await sleep(1000);
    expect(rb.of('held')).toHaveLength(0);
    release();
    await waitFor(async () => ((await other.db.execute(sql`select count(*)::int as n from queue_jobs`)).rows[0] as { n: number }).n === 0, 5000, 'A to finish');
    expect(ra.of('held')).toHaveLength(1);

    // A job left active by a process that died (lock in the past) is run again.
    await other.db.execute(sql`insert into queue_jobs (name, payload, status, attempts, max_attempts, backoff_ms, locked_until)
      values ('inbox.drain', '{"reason":"orphan"}'::jsonb, 'active', 1, 3, 60, now() - interval '1 second')`);
    await waitFor(async () => rb.of('orphan').length + ra.of('orphan').length === 1, 10_000, 'the orphan to run');
    await sleep(300);
    expect(rb.of('orphan').length + ra.of('orphan').length).toBe(1);
    await qa.close();
    await qb.close();
  });
});
