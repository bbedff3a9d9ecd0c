import { parseArgs } from 'node:util';
import { loadConfig, type Config } from './config';

const HELP: Record<string, string> = {
  '': `omnihub — integration hub for omnichannel commerce

Usage: omnihub <command> [options]

Commands:
  start      Start the hub: HTTP API, UI and workers (embedded PGlite + in-process queue by default)
  worker     Start a worker process (needs DATABASE_URL and REDIS_URL)
  migrate    Apply database migrations and exit
  keys       Manage API keys (keys create --role operator --name "..." [--scope orders:read]; keys list; keys revoke <id>)
  users      Manage UI users (users create --email a@b.c --role viewer; users set-password <email>; users list; users disable <id>)
  sync       Pull a connection now: sync <connectionId>
  backfill   Pull a connection's history, resumable: backfill <connectionId> --since 2025-01-01
  stock      Stocktake import: stock import <file.csv> (columns sku, warehouse, onHand)
  import     Distributor order files (EDI X12 850 or CSV) into the inbox: import <connectionId> <file...>
  secrets    Re-seal stored secrets with the current key: secrets rotate
  customers  Link existing orders to customers (customers backfill), recompute RFM now (customers rfm)

Run "omnihub <command> --help" for a command's options.
Exit codes: 0 success, 1 failure, 2 wrong usage or configuration.`,
  start: `omnihub start [--demo] [--port N] [--no-workers]

  --demo        also create a sandbox channel that produces orders every few seconds
  --port N      listen on port N (default: PORT or 3000)
  --no-workers  serve HTTP only (with REDIS_URL; workers run as "omnihub worker")`,
  worker: `omnihub worker [--concurrency N]

Consumes every queue. Needs DATABASE_URL and REDIS_URL; start more to scale out.`,
  migrate: `omnihub migrate

Applies the SQL migrations in migrations/ to DATABASE_URL (or the embedded database).`,
  keys: `omnihub keys create --role <admin|operator|accountant|viewer> [--name NAME] [--expires ISO-DATE] [--scope SCOPE ...]
omnihub keys list
omnihub keys revoke <id>

The created key is printed once; only a hash is stored.
--scope (repeatable or comma-separated) narrows the role to areas: orders, stock, finance, connections,
each :read or :write (write includes read), e.g. --scope orders:read --scope stock:write.`,
  users: `omnihub users create --email EMAIL --role <admin|operator|accountant|viewer> [--name NAME] [--locale en|zh-CN|zh-TW]
omnihub users set-password <email>
omnihub users list
omnihub users disable <id>

The password is read from stdin when one is piped in (echo "$PW" | omnihub users create ...);
otherwise a random one is generated and printed once. Only a bcrypt hash is stored.`,
  sync: `omnihub sync <connectionId> [--backfill] [--since ISO-DATE]

Pulls the connection in this process with a progress line; resumable.`,
  backfill: `omnihub backfill <connectionId> --since 2025-01-01

Pulls every order updated since the date, page by page in constant memory, with a progress line.
Interrupted? Run the same command again: it resumes from the last stored page.`,
  secrets: `omnihub secrets rotate

Re-seals every stored secret (channel tokens, webhook secrets) with the current OMNIHUB_SECRET_KEY.
Rotation without downtime: give every process the new key as OMNIHUB_SECRET_KEY and the old one as
OMNIHUB_SECRET_KEY_PREVIOUS, run this, then drop the old key.`,
  import: `omnihub import <connectionId> <file...> [--ack-dir DIR]

Reads distributor order files (EDI X12 850, or CSV with the connection's column mapping) into the inbox,
the same way as an upload to POST /api/v1/connections/{id}/files: every accepted order is stored once per
file content, so importing a file again stores nothing new. Progress goes to stderr; per file, the orders
and every rejected row (line and field) go to stdout. With --ack-dir, the 997 and 855 acknowledgements of
X12 files are written there as <file>.997.edi and <file>.855.edi, to send back to the partner.
Exit 1 when a row was rejected, a file could not be read, or an order failed to normalise.`,
  stock: `omnihub stock import <file.csv> [--delimiter ";"] [--opening]

Stocktake import. The header row names the columns sku, warehouse (code or id) and onHand (the
counted quantity). For every row the difference to the stored on-hand is written as an adjustment
movement. With --opening (the first count of a business starting on the hub) stock found is opening
stock: valued against owner equity, not as a stocktake gain in the P&L. Importing the same file again applies no row twice. Progress goes to stderr, the summary
to stdout; rows that fail are listed with their line number and the exit code is 1.`,
  customers: `omnihub customers backfill | rfm | follow-ups [--inactive-days 60]

backfill    links every order not yet linked to a customer (email, then phone, then channel ids), in
            chunks; safe to rerun and to interrupt.
rfm         refreshes customer stats and RFM scores now (the nightly job), printing segment sizes.
follow-ups  produces today's follow-up tasks now (the daily job).`,
};

class UsageError extends Error {}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<number> {
  const [command = '', ...rest] = argv;
  if (command === '' || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP['']}\n`);
    return command === '' ? 2 : 0;
  }
  if (!Object.hasOwn(HELP, command)) throw new UsageError(`unknown command "${command}"\n\n${HELP['']}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  switch (command) {
    case 'start':
      return cmdStart(config, rest);
    case 'worker':
      return cmdWorker(config, rest);
    case 'migrate':
      return cmdMigrate(config);
    case 'keys':
      return cmdKeys(config, rest);
    case 'users':
      return cmdUsers(config, rest);
    case 'sync':
      return cmdSync(config, rest);
    case 'backfill':
      return cmdSync(config, [...rest, '--backfill']);
    case 'stock':
      return cmdStock(config, rest);
    case 'import':
      return cmdImport(config, rest);
    case 'secrets':
      return cmdSecrets(config, rest);
    case 'customers':
      return cmdCustomers(config, rest);
  }
  return 2;
}

function args<O extends NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>>(rest: string[], options: O) {
  try {
    return parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function cmdStart(config: Config, rest: string[]): Promise<number> {
  const { values } = args(rest, { demo: { type: 'boolean' }, port: { type: 'string' }, 'no-workers': { type: 'boolean' } });
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: not a port number: ${values.port}`);
    config.port = port;
  }
  const { startHub } = await import('./main');
  const { mountUi } = await import('./ui/mount');
  const running = await startHub(config, { demo: !!values.demo, workers: !values['no-workers'], workerThread: true, ui: mountUi });
  const mode = running.hub.database.kind === 'pglite' ? `embedded (PGlite in ${config.dataDir}, in-process queue)` : 'PostgreSQL + BullMQ/Redis';
  process.stdout.write(`omnihub listening on ${running.url}  [${mode}]\n`);
  if (running.adminKey) {
    process.stdout.write(`\nAdmin API key (shown once, store it now):\n  ${running.adminKey}\n\n`);
  }
  if (values.demo) process.stdout.write('Demo: a sandbox channel is producing orders — open the inbox.\n');
  await waitForShutdown(() => running.stop(), running.hub.ctx.log);
  return 0;
}

async function cmdWorker(config: Config, rest: string[]): Promise<number> {
  const { values } = args(rest, { concurrency: { type: 'string' } });
  if (!config.redisUrl || !config.databaseUrl) {
    throw new UsageError('omnihub worker needs DATABASE_URL and REDIS_URL; the embedded hub ("npm start") runs its workers in-process.');
  }
  if (values.concurrency) config.workerConcurrency = Number(values.concurrency);
  const { openHub } = await import('./hub');
  const { startWorkers, scheduleHousekeeping } = await import('./main');
  const hub = await openHub(config);
  await scheduleHousekeeping(hub);
  await startWorkers(hub);
  process.stdout.write(`omnihub worker started (pid ${process.pid})\n`);
  await waitForShutdown(() => hub.close(), hub.ctx.log);
  return 0;
}

async function cmdMigrate(config: Config): Promise<number> {
  const { openDatabase } = await import('./db/client');
  const { migrate } = await import('./db/migrate');
  const path = await import('node:path');
  const db = await openDatabase({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') });
  await migrate(db);
  await db.close();
  process.stdout.write('migrations applied\n');
  return 0;
}

async function withHub<T>(config: Config, fn: (hub: import('./hub').Hub) => Promise<T>): Promise<T> {
  const { openHub } = await import('./hub');
  const { createLogger } = await import('./logger');
  const hub = await openHub(config, { log: createLogger('warn') });
  try {
    return await fn(hub);
  } finally {
    await hub.close();
  }
}

async function cmdKeys(config: Config, rest: string[]): Promise<number> {
  const { values, positionals } = args(rest, {
    role: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string' }, scope: { type: 'string', multiple: true },
  });
  const [sub, id] = positionals;
  const keys = await import('./auth/api-keys');
  const { ValidationError } = await import('./errors');
  const scopes = values.scope?.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const input = { name: values.name ?? `${values.role} key`, role: values.role, expiresAt: values.expires, scopes };
  if (sub === 'create') {
    // Wrong usage fails before the database is opened.
    if (!values.role) throw new UsageError('keys create: --role is required (admin, operator, accountant, viewer)');
    const checked = keys.CreateKeyInput.safeParse(input);
    if (!checked.success) throw new UsageError(`keys create: ${checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return withHub(config, async (hub) => {
    if (sub === 'create') {
      const created = await keys
        .createApiKey(hub.ctx, input)
        .catch((err) => {
          if (err instanceof ValidationError) throw new UsageError(`keys create: ${err.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
          throw err;
        });
      process.stdout.write(`${created.key}\n`);
      process.stderr.write(`created key ${created.id} (${created.role}${created.scopes ? `; scopes ${created.scopes.join(', ')}` : ''}); it is shown only this once\n`);
      return 0;
    }
    if (sub === 'list') {
      for (const k of await keys.listApiKeys(hub.ctx)) {
        const state = k.revokedAt ? 'revoked' : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? 'expired' : 'active ';
        process.stdout.write(`${k.id}  ${k.role.padEnd(10)} ${k.prefix.padEnd(20)} ${state}  ${k.name}${k.scopes ? `  [${k.scopes.join(',')}]` : ''}\n`);
      }
      return 0;
    }
    if (sub === 'revoke' && id) {
      await keys.revokeApiKey(hub.ctx, id);
      process.stdout.write(`revoked ${id}\n`);
      return 0;
    }
    throw new UsageError(HELP.keys!);
  });
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function cmdUsers(config: Config, rest: string[]): Promise<number> {
  const { values, positionals } = args(rest, { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, locale: { type: 'string' } });
  const [sub, id] = positionals;
  const users = await import('./auth/users');
  const { ValidationError, ConflictError } = await import('./errors');
  if (sub === 'create') {
    if (!values.email || !values.role) throw new UsageError('users create: --email and --role are required');
    const piped = await readStdin();
    const input = { email: values.email, role: values.role, name: values.name, locale: values.locale, password: piped || undefined };
    const checked = users.CreateUserInput.safeParse(input);
    if (!checked.success) throw new UsageError(`users create: ${checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    return withHub(config, async (hub) => {
      const created = await users
        .createUser(hub.ctx, input)
        .catch((err) => {
          if (err instanceof ValidationError) throw new UsageError(`users create: ${err.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
          if (err instanceof ConflictError) throw new UsageError(`users create: ${err.message}`);
          throw err;
        });
      process.stderr.write(`created user ${created.id} ${created.email} (${created.role})\n`);
      if ('password' in created && created.password) {
        process.stdout.write(`${created.password}\n`);
        process.stderr.write('the generated password above is shown only this once\n');
      }
      return 0;
    });
  }
  return withHub(config, async (hub) => {
    if (sub === 'list') {
      for (const u of await users.listUsers(hub.ctx)) {
        process.stdout.write(`${u.id}  ${u.role.padEnd(10)} ${u.disabled ? 'disabled' : 'active  '}  ${u.email}\n`);
      }
      return 0;
    }
    if (sub === 'set-password' && id) {
      const user = await users.findUserByEmail(hub.ctx, id);
      if (!user) throw new UsageError(`users set-password: no user with the email ${id}`);
      const piped = await readStdin();
      const password = piped || users.generatePassword();
      const checked = users.UpdateUserInput.safeParse({ password });
      if (!checked.success) throw new UsageError(`users set-password: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      await users.updateUser(hub.ctx, user.id, { password });
      if (!piped) process.stdout.write(`${password}\n`);
      process.stderr.write(`password changed for ${user.email}; their sessions ended${piped ? '' : ' (the generated password above is shown only this once)'}\n`);
      return 0;
    }
    if (sub === 'disable' && id) {
      await users.disableUser(hub.ctx, id);
      process.stdout.write(`disabled ${id}\n`);
      return 0;
    }
    throw new UsageError(HELP.users!);
  });
}

async function cmdSync(config: Config, rest: string[]): Promise<number> {
  const { values, positionals } = args(rest, { backfill: { type: 'boolean' }, since: { type: 'string' } });
  const [connectionId] = positionals;
  if (!connectionId) throw new UsageError(values.backfill ? HELP.backfill! : HELP.sync!);
  let since: string | undefined;
  if (values.since !== undefined) {
    since = /^\d{4}-\d{2}-\d{2}$/.test(values.since) ? `${values.since}T00:00:00.000Z` : values.since;
    if (Number.isNaN(Date.parse(since))) throw new UsageError(`--since: not a date: ${values.since}`);
    since = new Date(since).toISOString();
  }
  if (values.backfill && !since) throw new UsageError('backfill needs --since DATE');
  const { runSync, findResumableBackfill } = await import('./connections/run-sync');
  return withHub(config, async (hub) => {
    const started = Date.now();
    const resume = values.backfill && since ? await findResumableBackfill(hub.ctx, connectionId, since) : null;
    if (resume) process.stderr.write(`resuming backfill ${resume} from its last stored page\n`);
    const result = await runSync(
      hub.ctx,
      { connectionId, kind: values.backfill ? 'backfill' : 'incremental', since, syncRunId: resume ?? undefined },
      (p) => {
        const secs = (Date.now() - started) / 1000;
        const rate = Math.round(p.ordersSeen / Math.max(0.001, secs));
        process.stderr.write(`\r  pulled: ${p.pages} pages, ${p.ordersSeen} records, ${rate}/s, ${secs.toFixed(0)} s   `);
      },
    );
    process.stderr.write('\n');
    const { written, failed } = await drainWithProgress(hub);
    process.stdout.write(`sync ${result.syncRunId}: ${result.pages} pages, ${result.ordersSeen} records, ${written} orders written, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
  });
}

async function cmdCustomers(config: Config, rest: string[]): Promise<number> {
  const { values, positionals } = args(rest, { 'inactive-days': { type: 'string' } });
  const [sub] = positionals;
  if (positionals.length !== 1 || !['backfill', 'rfm', 'follow-ups'].includes(sub!)) throw new UsageError(HELP.customers!);
  return withHub(config, async (hub) => {
    if (sub === 'backfill') {
      const { resolveAllUnlinked } = await import('./customers/resolve-customers');
      const r = await resolveAllUnlinked(hub.ctx);
      process.stdout.write(`linked ${r.linked} orders (${r.created} new customers, ${r.skipped} orders without contact data)\n`);
    } else if (sub === 'rfm') {
      const { runNightlyRfm, segmentCounts } = await import('./customers/compute-rfm');
      const r = await runNightlyRfm(hub.ctx);
      const counts = await segmentCounts(hub.ctx);
      process.stdout.write(`scored ${r.scored} customers, ${r.changed.length} changed segment; ${counts.map((c) => `${c.segment} ${c.customers}`).join(', ')}\n`);
    } else {
      const { produceFollowUps } = await import('./customers/follow-ups');
      const days = values['inactive-days'] === undefined ? undefined : Number(values['inactive-days']);
      const r = await produceFollowUps(hub.ctx, { inactiveDays: days });
      process.stdout.write(`created ${r.created} follow-up tasks\n`);
    }
    return 0;
  });
}

async function cmdStock(config: Config, rest: string[]): Promise<number> {
  const { values, positionals } = args(rest, { delimiter: { type: 'string' }, opening: { type: 'boolean' } });
  const [sub, file] = positionals;
  if (sub !== 'import' || !file || positionals.length > 2) throw new UsageError(HELP.stock!);
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  let csv: string;
  try {
    csv = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`stock import: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const { importStocktake } = await import('./inventory/import-stocktake');
  const { ValidationError } = await import('./errors');
  return withHub(config, async (hub) => {
    let last = 0;
    const result = await importStocktake(hub.ctx, { csv, source: path.basename(file), delimiter: values.delimiter, opening: values.opening === true }, (p) => {
      // A line per 100 ms at most: a large file would otherwise spend its time writing to the terminal.
      if (p.done < p.total && Date.now() - last < 100) return;
      last = Date.now();
      process.stderr.write(`\r  rows ${p.done}/${p.total}  adjusted ${p.adjusted}  unchanged ${p.unchanged}  errors ${p.errors}   `);
    }).catch((err) => {
      // A file that cannot be read as a stocktake (no header, missing columns) fails as a whole, before any row.
      if (err instanceof ValidationError) return err;
      throw err;
    });
    if (result instanceof ValidationError) {
      process.stderr.write(`stock import ${path.basename(file)}: ${result.errors.map((e) => e.message).join('; ')}\n`);
      return 1;
    }
    const s = result;
    process.stderr.write('\n');
    process.stdout.write(`stock import ${path.basename(file)}: ${s.rows} rows, ${s.adjusted} adjusted, ${s.unchanged} unchanged, ${s.alreadyImported} already imported, ${s.errors.length} errors\n`);
    for (const e of s.errors) process.stdout.write(`  row ${e.row}: ${e.message}\n`);
    return s.errors.length > 0 ? 1 : 0;
  });
}

/** `1 order`, `2 orders`. */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Normalises what a command stored into the inbox, batch by batch (constant memory), with a progress line. */
async function drainWithProgress(hub: import('./hub').Hub): Promise<{ written: number; failed: number }> {
  const { drainRawEvents } = await import('./inbox/process-raw-events');
  let written = 0;
  let failed = 0;
  for (;;) {
    const s = await drainRawEvents(hub.ctx, { maxBatches: 1 });
    written += s.orders.length;
    failed += s.failed;
    process.stderr.write(`\r  into the inbox: ${written} orders, ${failed} dead letters   `);
    if (s.events === 0) break;
  }
  process.stderr.write('\n');
  return { written, failed };
}

async function cmdImport(config: Config, rest: string[]): Promise<number> {
  const { values, positionals } = args(rest, { 'ack-dir': { type: 'string' } });
  const [connectionId, ...files] = positionals;
  if (!connectionId || files.length === 0) throw new UsageError(HELP.import!);
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  // Every file is read before anything is stored: a typo in the last name must not leave half an import.
  const contents: Buffer[] = [];
  for (const file of files) {
    try {
      contents.push(await fs.readFile(file));
    } catch (err) {
      throw new UsageError(`import: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const ackDir = values['ack-dir'];
  if (ackDir !== undefined) {
    const st = await fs.stat(ackDir).catch(() => null);
    if (!st?.isDirectory()) throw new UsageError(`--ack-dir: not a directory: ${ackDir}`);
  }
  const { importDistributorFile } = await import('../connectors/distributor/import-file');
  const { AppError } = await import('./errors');
  return withHub(config, async (hub) => {
    let problems = 0;
    let stored = 0;
    for (const [i, file] of files.entries()) {
      const name = path.basename(file);
      process.stderr.write(`\r  file ${i + 1}/${files.length}: ${name}   `);
      try {
        const r = await importDistributorFile(hub.ctx, { connectionId, filename: name, content: contents[i]! });
        const fresh = r.stored.filter((s) => !s.duplicate).length;
        stored += fresh;
        process.stderr.write('\n');
        process.stdout.write(`import ${name} (${r.format}): ${count(r.orders.length, 'order')}, ${fresh} new, ${r.stored.length - fresh} already imported, ${count(r.units, 'unit')}, ${count(r.errors.length, 'rejected row')}\n`);
        for (const e of r.errors) process.stdout.write(`  row ${e.row} ${e.field}: ${e.message}${e.orderId ? ` (order ${e.orderId})` : ''}\n`);
        if (r.errors.length > 0) problems++;
        if (ackDir !== undefined) {
          for (const code of ['997', '855'] as const) {
            const ack = r.acknowledgements[code];
            if (!ack) continue;
            const out = path.join(ackDir, `${name}.${code}.edi`);
            await fs.writeFile(out, ack);
            process.stdout.write(`  ${code} written to ${out}\n`);
          }
        }
      } catch (err) {
        // A file the hub refuses as a whole (not a distributor connection, unreadable format) is reported; the others go on.
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        process.stderr.write('\n');
        const fields = (err as { errors?: Array<{ path: string; message: string }> }).errors;
        process.stdout.write(`import ${name}: not imported: ${err.message}${fields?.length ? ` (${fields.map((f) => `${f.path}: ${f.message}`).join('; ')})` : ''}\n`);
        problems++;
        // A wrong connection fails every file alike: say it once.
        if (err.status === 404 || err.status === 409 || err.status === 410) return 1;
      }
    }
    const { written, failed } = stored > 0 ? await drainWithProgress(hub) : { written: 0, failed: 0 };
    process.stdout.write(`imported ${count(files.length, 'file')}: ${count(stored, 'new order')} stored, ${written} written to the inbox, ${failed} failed\n`);
    return problems > 0 || failed > 0 ? 1 : 0;
  });
}

async function cmdSecrets(config: Config, rest: string[]): Promise<number> {
  const { positionals } = args(rest, {});
  if (positionals[0] !== 'rotate') throw new UsageError(HELP.secrets!);
  const { rotateSecrets } = await import('./connections/rotate-secrets');
  return withHub(config, async (hub) => {
    const r = await rotateSecrets(hub.ctx);
    process.stdout.write(`re-sealed ${r.values} secret(s) in ${r.connections} connection(s) and ${r.subscriptions} webhook subscriber(s) with key ${hub.ctx.secrets.currentKeyId}\n`);
    return 0;
  });
}

async function waitForShutdown(stop: () => Promise<void>, log: { info: (o: object, m: string) => void }): Promise<void> {
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) {
        process.stderr.write('second signal: forcing exit\n');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'shutting down: finishing in-flight work');
      stop().then(resolve, (err) => {
        process.stderr.write(`shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      });
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) fail(err.message, 2);
    fail(`omnihub: ${(err as Error).stack ?? err}`, 1);
  },
);
