/** Whether the suite runs against real PostgreSQL and Redis (CI sets both URLs). */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;
export const REDIS_URL = process.env.REDIS_URL || undefined;
export const realServers = !!(DATABASE_URL && REDIS_URL);

/** Says, once per file, why real-server tests are skipped. */
export function skipNote(what: string): string {
  const why = `needs DATABASE_URL and REDIS_URL (real PostgreSQL + Redis); skipped on the embedded defaults`;
  if (!realServers) process.stdout.write(`[skip] ${what}: ${why}\n`);
  return what;
}
