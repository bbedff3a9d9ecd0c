import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id, tsz } from './columns';

/**
 * People who log in to the UI with an email and a password (bcrypt, cost >= 10). A user has one role,
 * like an API key; disabling a user ends their sessions at once (sessions are checked per request).
 */
export const users = pgTable(
  'users',
  {
    id: id(),
    /** Stored lower-cased; unique. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** `admin` | `operator` | `accountant` | `viewer` */
    role: text('role').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** The UI language the person picked on their profile (`en`, `zh-CN`, `zh-TW`); null = browser's. */
    locale: text('locale'),
    disabledAt: tsz('disabled_at'),
    lastLoginAt: tsz('last_login_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_email_uq').on(t.email),
    index('users_role_idx').on(t.role),
    check('users_email_lower_ck', sql`${t.email} = lower(${t.email})`),
    check('users_role_ck', sql`${t.role} in ('admin', 'operator', 'accountant', 'viewer')`),
    check('users_locale_ck', sql`${t.locale} is null or ${t.locale} in ('en', 'zh-CN', 'zh-TW')`),
  ],
);
