import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id, tsz } from './columns';

/** API keys: shown once, stored as a salted scrypt hash; looked up by their public prefix. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    name: text('name').notNull(),
    /** `admin` | `operator` | `accountant` | `viewer` */
    role: text('role').notNull(),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    /** Scopes narrowing the role (`orders:read`, `stock:write`…, see src/auth/scopes.ts); null = the whole role. */
    scopes: text('scopes').array(),
    expiresAt: tsz('expires_at'),
    revokedAt: tsz('revoked_at'),
    lastUsedAt: tsz('last_used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_keys_prefix_uq').on(t.prefix), index('api_keys_role_idx').on(t.role)],
);

/** Small key/value settings of the deployment (business defaults, generated bootstrap facts). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: createdAt(),
});
