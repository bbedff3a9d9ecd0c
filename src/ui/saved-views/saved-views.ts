import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../context';
import { uiSavedViews } from '../../db/schema/index';
import { q } from '../../db/transaction';
import { NotFoundError, ValidationError, zodFieldErrors } from '../../errors';

export const SaveViewInput = z.object({
  name: z.string().trim().min(1).max(100),
  /** The inbox URL's query string (filters + search), without the page cursor. */
  query: z.string().max(2000).transform((s) => s.replace(/^\?/, '')),
});

/** Saves (or renames over) a named inbox URL for one key; saving the same name again replaces it. */
export async function saveView(ctx: Ctx, keyId: string, input: unknown) {
  const parsed = SaveViewInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const params = new URLSearchParams(parsed.data.query);
  params.delete('cursor');
  const [row] = await q(ctx)
    .insert(uiSavedViews)
    .values({ keyId, name: parsed.data.name, query: params.toString() })
    .onConflictDoUpdate({ target: [uiSavedViews.keyId, uiSavedViews.name], set: { query: params.toString() } })
    .returning();
  return row!;
}

export async function listViews(ctx: Ctx, keyId: string) {
  return q(ctx).select().from(uiSavedViews).where(eq(uiSavedViews.keyId, keyId)).orderBy(asc(uiSavedViews.name));
}

export async function deleteView(ctx: Ctx, keyId: string, id: string): Promise<void> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('view', id);
  const res = await q(ctx).delete(uiSavedViews).where(and(eq(uiSavedViews.id, id), eq(uiSavedViews.keyId, keyId))).returning();
  if (res.length === 0) throw new NotFoundError('view', id);
}
