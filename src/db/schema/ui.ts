import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { apiKeys } from './auth';
import { users } from './users';
import { createdAt, id, tsz } from './columns';

/**
 * Web UI sessions, kept server-side so logout and key revocation end them at once (a signed cookie
 * could not be taken back). The cookie holds a random token; only its SHA-256 is stored here.
 */
export const uiSessions = pgTable(
  'ui_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** The API key the session logged in with, or null for a user (email + password) session. */
    keyId: uuid('key_id').references(() => apiKeys.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** Per-session CSRF token, sent back in every form and htmx request. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    lastSeenAt: tsz('last_seen_at').notNull().defaultNow(),
    expiresAt: tsz('expires_at').notNull(),
  },
  (t) => [
    index('ui_sessions_key_idx').on(t.keyId),
    index('ui_sessions_user_idx').on(t.userId),
    check('ui_sessions_expiry_ck', sql`${t.expiresAt} > ${t.createdAt}`),
    check('ui_sessions_owner_ck', sql`(${t.keyId} is null) <> (${t.userId} is null)`),
  ],
);

/** Saved inbox views: a name for a URL query (filters + search), per API key or user (no FK: either id). */
export const uiSavedViews = pgTable(
  'ui_saved_views',
  {
    id: id(),
    keyId: uuid('key_id').notNull(),
    name: text('name').notNull(),
    query: text('query').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ui_saved_views_name_uq').on(t.keyId, t.name),
    check('ui_saved_views_name_ck', sql`length(${t.name}) between 1 and 100`),
    check('ui_saved_views_query_ck', sql`length(${t.query}) <= 2000`),
  ],
);
