import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { RawEventInput } from './raw-event-writer';

/**
 * Multi-row insert of raw events; a (connection, delivery id) already stored is skipped. Returns the
 * new rows' ids by `connectionId \0 deliveryId`.
 */
export async function insertRawEvents(db: Db, events: RawEventInput[]): Promise<Map<string, number>> {
  const rows = events.map((e) => ({ c: e.connectionId, d: e.deliveryId, p: e.path, t: e.topic, h: e.headers, b: e.body }));
  // Duplicates inside one batch: only the first of a delivery id is inserted (ON CONFLICT cannot hit a row twice).
  const res = await db.execute(sql`
    insert into raw_events (connection_id, delivery_id, path, topic, headers, body)
    select distinct on (x.c, x.d) x.c, x.d, x.p, x.t, x.h, x.b
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(c uuid, d text, p text, t text, h jsonb, b text)
    order by x.c, x.d
    on conflict (connection_id, delivery_id) do nothing
    returning id, connection_id, delivery_id`);
  const ids = new Map<string, number>();
  for (const r of res.rows as Array<{ id: number; connection_id: string; delivery_id: string }>) {
    ids.set(`${r.connection_id}\u0000${r.delivery_id}`, Number(r.id));
  }
  return ids;
}
