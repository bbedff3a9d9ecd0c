/** A unique index refused the write (SQLSTATE 23505), as pg raises it or as drizzle wraps it in `cause`. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}
