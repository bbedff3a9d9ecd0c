import pino from 'pino';

export type Logger = pino.Logger;

/** Field names whose values never reach a log line. */
export const REDACT_PATHS = [
  'config.accessToken', 'config.webhookSecret', 'config.consumerSecret', 'config.consumerKey', 'config.secretKey',
  'config.clientSecret', 'config.lwaClientSecret', 'config.refreshToken', 'config.webhookSignatureKey',
  'headers.authorization', 'req.headers.authorization', '*.password', '*.token', '*.secret', 'key',
];

/** JSON logs; secrets are redacted by path. */
export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'omnihub' } });
}
