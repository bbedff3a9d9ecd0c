import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { RawEventInput } from './raw-event-writer';

/**
 * Multi-row insert of raw events; a (connection, delivery id) already stored is skipped. Returns the
 * new rows' ids by `connectionId \0 deliveryId`.
 */
export async function insertRawEvents(db: Db, events: RawEventInput[]): Promise<Map<string, number>> {
  const original = new Map<string, string>();
  const rows = events.map((e) => {
    const d = storedDeliveryId(e.deliveryId);
    original.set(`${e.connectionId.toLowerCase()}\u0000${d}`, e.deliveryId);
    // PostgreSQL text cannot hold a NUL character: such a body is kept byte for byte as base64.
    const nul = e.body.includes('\u0000');
    return {
      c: e.connectionId, d, p: e.path, t: e.topic?.replace(/\u0000/g, '') ?? null, h: e.headers,
      b: nul ? Buffer.from(e.body, 'utf8').toString('base64') : e.body, e: nul ? 'base64' : 'utf8',
    };
  });
  // One bind parameter per value (no JSON wrapping: the bodies are the bulk of the bytes, and having
  // PostgreSQL parse them out of one big jsonb document cost more than the insert itself). A delivery id
  // repeated inside the batch is skipped by ON CONFLICT DO NOTHING like one stored earlier.
  const values = sql.join(
    rows.map((r) => sql`(${r.c}::uuid, ${r.d}, ${r.p}, ${r.t}, ${r.h === null ? null : JSON.stringify(r.h)}::jsonb, ${r.b}, ${r.e})`),
    sql`, `,
  );
  const res = await db.execute(sql`
    insert into raw_events (connection_id, delivery_id, path, topic, headers, body, body_encoding)
    values ${values}
    on conflict (connection_id, delivery_id) do nothing
    returning id, connection_id, delivery_id`);
  const ids = new Map<string, number>();
  for (const r of res.rows as Array<{ id: number; connection_id: string; delivery_id: string }>) {
    const key = `${r.connection_id}\u0000${r.delivery_id}`;
    ids.set(`${r.connection_id}\u0000${original.get(key) ?? r.delivery_id}`, Number(r.id));
  }
  return ids;
}

/**
 * The delivery id as stored: ids longer than 200 characters (or holding a NUL) are replaced by their
 * SHA-256, so a hostile header cannot overflow the unique index and fail a whole group commit.
 */
export function storedDeliveryId(deliveryId: string): string {
  if (deliveryId.length <= 200 && !deliveryId.includes('\u0000')) return deliveryId;
  return `sha256:${createHash('sha256').update(deliveryId).digest('hex')}`;
}
