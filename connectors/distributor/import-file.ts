import { z } from 'zod';
import type { Ctx } from '../../src/context';
import { getConnectionRow } from '../../src/connections/manage-connections';
import { openConfig } from '../../src/connections/connection-config';
import { q } from '../../src/db/transaction';
import { AppError, ValidationError } from '../../src/errors';
import { insertRawEvents } from '../../src/inbox/insert-raw-events';
import { kickDrain } from '../../src/inbox/kick-drain';
import { DistributorConfig } from './config';
import { fileDeliveryId, readDistributorFile, type FileReport } from './read-file';

export const ImportFileInput = z.object({
  connectionId: z.string(),
  filename: z.string().trim().min(1, 'give the file name (X-Filename header or ?filename=)').max(255)
    .refine((n) => !/[\\/\u0000]/.test(n), 'a file name, not a path'),
  content: z.instanceof(Buffer).refine((b) => b.length > 0, 'the file is empty'),
});
export type ImportFileInput = z.input<typeof ImportFileInput>;

export interface ImportFileResult extends FileReport {
  /** Per accepted order: whether this upload stored it, or an earlier upload of the same file did. */
  stored: Array<{ orderId: string; deliveryId: string; duplicate: boolean }>;
  acknowledgements: { '997'?: string; '855'?: string };
}

/**
 * Imports one uploaded distributor file: each accepted order becomes one raw event (path `import`,
 * delivery id `file:<sha256>:<orderId>`), so uploading the same file again stores nothing new.
 * Returns the per-file report (bad rows with line and field) and, for X12, the 997 and 855.
 */
export async function importDistributorFile(ctx: Ctx, input: ImportFileInput): Promise<ImportFileResult> {
  const parsed = ImportFileInput.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })));
  }
  const { connectionId, filename, content } = parsed.data;
  const row = await getConnectionRow(ctx, connectionId);
  const connector = ctx.connectors(row.type);
  if (!connector || connector.channel !== 'distributor') {
    throw new AppError('wrong_connection_type', `Files can only be uploaded to distributor connections; this one is ${row.type}.`, { status: 409 });
  }
  if (row.status === 'archived') throw new AppError('gone', 'This connection was archived.', { status: 410 });
  const config = DistributorConfig.parse(openConfig(connector, row.config, ctx.secrets));
  const result = readDistributorFile(filename, content, config, ctx.now());
  const events = result.orders.map((o) => ({
    connectionId,
    deliveryId: fileDeliveryId(result.report.sha256, o.orderId),
    path: 'import' as const,
    topic: `distributor.${o.format}`,
    headers: { 'x-filename': filename },
    body: JSON.stringify(o),
  }));
  const ids = events.length > 0 ? await insertRawEvents(q(ctx), events) : new Map<string, number>();
  const stored = events.map((e, i) => ({
    orderId: result.orders[i]!.orderId,
    deliveryId: e.deliveryId,
    duplicate: !ids.has(`${connectionId}\u0000${e.deliveryId}`),
  }));
  if (stored.some((s) => !s.duplicate)) await kickDrain(ctx, 'import');
  return { ...result.report, stored, acknowledgements: result.acknowledgements };
}
