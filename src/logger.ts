import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';

export type Logger = pino.Logger;

/** Field names whose values never reach a log line. */
export const REDACT_PATHS = [
  'config.accessToken', 'config.webhookSecret', 'config.consumerSecret', 'config.consumerKey', 'config.secretKey',
  'config.clientSecret', 'config.lwaClientSecret', 'config.refreshToken', 'config.webhookSignatureKey',
  'headers.authorization', 'req.headers.authorization', '*.password', '*.token', '*.secret', 'key', 'password',
];

/** What the current request or job is: its id lands on every log line written while it runs. */
export interface LogScope {
  requestId?: string;
  jobId?: string;
  job?: string;
}

const scope = new AsyncLocalStorage<LogScope>();

/**
 * Runs `fn` with ids that every log line inside it carries, whichever logger writes the line
 * (the request's, a verb's `ctx.log`, a connector's): pino's mixin reads them from AsyncLocalStorage.
 * @example await withLogScope({ requestId }, () => next())
 */
export function withLogScope<T>(ids: LogScope, fn: () => T): T {
  return scope.run({ ...scope.getStore(), ...ids }, fn);
}

export function currentLogScope(): LogScope | undefined {
  return scope.getStore();
}

/** JSON logs; secrets are redacted by path; request/job ids come from the current scope. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const opts: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { app: 'omnihub' },
    mixin: () => ({ ...scope.getStore() }),
  };
  return destination ? pino(opts, destination) : pino(opts);
}
