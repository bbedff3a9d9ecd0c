import { createRoute, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from './env';

export const ProblemSchema = z
  .object({
    type: z.string(),
    code: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem' });

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export const json = (schema: z.ZodType, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

export const body = (schema: z.ZodType) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

type Handler = (c: Context<AppEnv>) => Promise<Response> | Response;

/**
 * Registers a route with its OpenAPI description. Validation of params, query and body runs before
 * the handler (failures become 400 problems naming the field, see app.ts); handlers read
 * `c.req.valid(...)`.
 */
export function route(app: OpenAPIHono<AppEnv>, config: Omit<RouteConfig, 'responses'> & { responses: RouteConfig['responses'] }, handler: Handler): void {
  const secured = config.path.startsWith('/api/');
  const responses: RouteConfig['responses'] = {
    ...config.responses,
    400: problemResponse('The request is not valid; `errors` names each failing field.'),
    ...(secured ? { 401: problemResponse('Missing or wrong API key.'), 403: problemResponse('The key\'s role may not do this.') } : {}),
  };
  const full = createRoute({ ...config, responses, security: secured ? [{ bearer: [] }] : undefined } as RouteConfig);
  // The route's typed handler signature adds nothing here: every handler returns a Response.
  app.openapi(full, handler as never);
}
