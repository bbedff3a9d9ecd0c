import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { AppError, ConflictError, ValidationError, zodFieldErrors, type FieldError } from '../errors';
import { catalogues, fromAcceptLanguage, type MessageKey } from '../i18n/index';

export interface Problem {
  type: string;
  code: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  requestId?: string;
  retryable?: boolean;
  /** With 429 and 503: when to try again (also sent as the Retry-After header). */
  retryAfterSeconds?: number;
}

const TITLES: Record<number, string> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 405: 'Method not allowed',
  409: 'Conflict', 410: 'Gone', 413: 'Payload too large', 415: 'Unsupported media type', 422: 'Unprocessable request',
  429: 'Too many requests', 500: 'Internal error', 502: 'Upstream failure', 503: 'Service unavailable',
};

export function problem(status: number, code: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: `urn:omnihub:problem:${code}`, code, title: TITLES[status] ?? 'Error', status, detail, ...extra };
}

/**
 * The problem in the language Accept-Language asks for: `title` (and `detail`, when the catalogue
 * has a generic text for the code) translated; `type`, `code`, `status` and field paths never change,
 * so clients keep matching on them. English keeps the specific detail written where the error arose.
 */
export function localizeProblem(p: Problem, acceptLanguage: string | null | undefined): Problem & { lang?: string } {
  const locale = fromAcceptLanguage(acceptLanguage);
  if (!locale || locale === 'en') return p;
  const cat = catalogues[locale];
  const title = cat[`problem.title.${p.status}` as MessageKey];
  const detail = cat[`problem.detail.${p.code}` as MessageKey];
  return { ...p, title: title ?? p.title, detail: detail ?? p.detail, lang: locale };
}

/** Writes a problem as `application/problem+json`, localised by Accept-Language. */
export function sendProblem(c: Context, p: Problem): Response {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? undefined;
  const { lang, ...body } = localizeProblem(p, c.req.header('accept-language'));
  const headers: Record<string, string> = { 'content-type': 'application/problem+json; charset=utf-8', vary: 'Accept-Language' };
  if (lang) headers['content-language'] = lang;
  if (p.retryAfterSeconds !== undefined) headers['retry-after'] = String(p.retryAfterSeconds);
  return new Response(JSON.stringify({ ...body, requestId }), { status: p.status, headers });
}

/** Maps any error to a problem: typed errors keep their status; anything unknown is a 500 without internals. */
export function toProblem(err: unknown): Problem {
  if (err instanceof ValidationError) return problem(400, err.code, err.message, { errors: err.errors });
  if (err instanceof AppError) {
    const extra: Partial<Problem> = err.status >= 500 || err.retryable ? { retryable: err.retryable } : {};
    const after = err.details?.retryAfterSeconds;
    if (typeof after === 'number') extra.retryAfterSeconds = Math.max(1, after);
    if (err instanceof ConflictError && err.errors?.length) extra.errors = err.errors;
    return problem(err.status, err.code, err.message, extra);
  }
  if (err instanceof z.ZodError) return problem(400, 'validation_failed', 'The request is not valid.', { errors: zodFieldErrors(err.issues) });
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 413) return problem(413, 'payload_too_large', 'The request body is larger than the limit.');
    if (status === 400) return problem(400, 'malformed_request', err.message || 'The request body could not be read.');
    return problem(status, `http_${status}`, err.message || TITLES[status] || 'Error');
  }
  if (err instanceof SyntaxError) return problem(400, 'malformed_json', 'The request body is not valid JSON.');
  if (isDatabaseUnavailable(err)) return problem(503, 'unavailable', 'The database is not reachable; retry shortly.', { retryable: true, retryAfterSeconds: 5 });
  return problem(500, 'internal', 'Something went wrong on our side. The request id identifies it in the logs.');
}

/**
 * Connection-level database failures (server down, restarting) answer 503 rather than 500. The
 * driver's error is often wrapped (drizzle's DrizzleQueryError, pg-pool's re-thrown connect error),
 * so the whole cause chain is looked at.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08006', '08001', '08003', '08004'];
  let e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown[] } | null | undefined;
  for (let depth = 0; e && depth < 6; depth++) {
    if (typeof e.code === 'string' && CODES.includes(e.code)) return true;
    if (typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(e.message)) return true;
    // node's connect errors to several addresses arrive as an AggregateError of ECONNREFUSED.
    if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x))) return true;
    e = e.cause as typeof e;
  }
  return false;
}
