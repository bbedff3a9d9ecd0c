import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ListAuditQuery, listAudit } from '../../audit/record-audit';
import { CreateUserInput, createUser, disableUser, listUsers, updateUser, UpdateUserInput } from '../../auth/users';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const User = z.object({
  id: z.string().uuid(), email: z.string(), name: z.string(), role: z.string(), locale: z.string().nullable(),
  disabled: z.boolean(), disabledAt: z.string().nullable(), lastLoginAt: z.string().nullable(), createdAt: z.string(),
}).meta({ id: 'User' });

const AuditEntry = z.object({
  id: z.number(), actor: z.string(), method: z.string(), path: z.string(), status: z.number(), requestId: z.string().nullable(),
  details: z.unknown(), at: z.string(),
}).meta({ id: 'AuditEntry' });

/** Users (admins only, see src/api/auth.ts) and the audit log. */
export function userRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'post', path: '/api/v1/users', tags: ['users'], summary: 'Create a user (email + password login to the UI)',
    description: 'Without `password`, a random one is generated and returned once in the answer.',
    request: body(CreateUserInput), responses: { 201: json(User.extend({ password: z.string().optional() }), 'Created') },
  }, async (c) => c.json(await createUser(c.get('ctx'), await c.req.json()), 201));

  route(app, {
    method: 'get', path: '/api/v1/users', tags: ['users'], summary: 'List users (never their passwords)',
    responses: { 200: json(z.object({ items: z.array(User) })) },
  }, async (c) => c.json({ items: await listUsers(c.get('ctx')) }));

  route(app, {
    method: 'patch', path: '/api/v1/users/{id}', tags: ['users'], summary: 'Change a user: role, password (ends their sessions), language, or re-enable',
    request: { params: z.object({ id: z.string() }), ...body(UpdateUserInput) }, responses: { 200: json(User) },
  }, async (c) => c.json(await updateUser(c.get('ctx'), c.req.param('id')!, await c.req.json())));

  route(app, {
    method: 'delete', path: '/api/v1/users/{id}', tags: ['users'], summary: 'Disable a user and end their sessions',
    request: { params: z.object({ id: z.string() }) }, responses: { 204: { description: 'Disabled' } },
  }, async (c) => {
    await disableUser(c.get('ctx'), c.req.param('id')!);
    return c.body(null, 204);
  });

  route(app, {
    method: 'get', path: '/api/v1/audit', tags: ['audit'], summary: 'The audit log, newest first, with filters',
    request: { query: ListAuditQuery },
    responses: { 200: json(z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listAudit(c.get('ctx'), ListAuditQuery.parse(c.req.query()))));
}
