export {};
/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts, which prints its figures.
 * Benchmarks need real PostgreSQL (+ Redis where the issue says so): set DATABASE_URL / REDIS_URL.
 */
const BENCHES: Record<string, () => Promise<{ run: (args: string[]) => Promise<void> }>> = {
  ingest: () => import('./ingest'),
  pull: () => import('./pull'),
  allocate: () => import('./allocate'),
  inbox: () => import('./inbox'),
  reconcile: () => import('./reconcile'),
  customers: () => import('./customers'),
};

const [name, ...args] = process.argv.slice(2);
if (!name || !BENCHES[name]) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [args]\n`);
  process.exit(2);
}
const mod = await BENCHES[name]!();
await mod.run(args);
process.exit(0);
