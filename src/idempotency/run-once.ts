import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { inTx, type Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { AppError } from '../errors';

export interface OnceResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/**
 * Runs `fn` once per (scope, key). The key row is inserted first in the same transaction as the
 * work, so a concurrent retry waits on the unique index and then reads the stored answer; a retry
 * after success returns the first answer. Reusing a key with a different request is a 422.
 */
export async function runOnce<T>(
  ctx: Ctx,
  scope: string,
  key: string | undefined,
  request: unknown,
  fn: (ctx: Ctx) => Promise<{ status: number; body: T }>,
): Promise<OnceResult<T>> {
  if (!key) return { ...(await fn(ctx)), replayed: false };
  if (key.length > 255) throw new AppError('invalid_idempotency_key', 'Idempotency-Key is longer than 255 characters.', { status: 400 });
  const hash = createHash('sha256').update(JSON.stringify(request ?? null)).digest('hex');
  return withTransaction(ctx, async (tx) => {
    const claimed = await tx.execute(sql`
      insert into idempotency_keys (scope, key, request_hash, status, response)
      values (${scope}, ${key}, ${hash}, 0, 'null'::jsonb)
      on conflict (scope, key) do nothing returning key`);
    if (claimed.rows.length === 0) {
      const prev = await tx.execute(sql`select request_hash, status, response from idempotency_keys where scope = ${scope} and key = ${key}`);
      const row = prev.rows[0] as { request_hash: string; status: number; response: T } | undefined;
      if (!row) throw new AppError('idempotency_conflict', 'The request with this Idempotency-Key is still in progress.', { status: 409, retryable: true });
      if (row.request_hash !== hash) {
        throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used with a different request.', { status: 422 });
      }
      return { status: row.status, body: row.response, replayed: true };
    }
    const result = await fn(inTx(ctx, tx));
    await tx.execute(sql`update idempotency_keys set status = ${result.status}, response = ${JSON.stringify(result.body)}::jsonb
      where scope = ${scope} and key = ${key}`);
    return { ...result, replayed: false };
  });
}
