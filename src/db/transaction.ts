import type { Db } from './client';

/** A transaction handle has the same query builder as the database. */
export type Tx = Db;

export interface DbCtx {
  db: Db;
  /** Set inside withTransaction so nested verbs join the outer transaction. */
  tx?: Tx;
}

/** Runs fn in a transaction, joining the caller's one when there is one. */
export async function withTransaction<T>(ctx: DbCtx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (ctx.tx) return fn(ctx.tx);
  return ctx.db.transaction(async (tx) => fn(tx as unknown as Tx));
}

/** The handle to query with: the open transaction, else the database. */
export function q(ctx: DbCtx): Db {
  return ctx.tx ?? ctx.db;
}
