import { z } from 'zod';

/** Environment, parsed once. Nothing else in the code base reads process.env. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  OMNIHUB_DATA_DIR: z.string().default('./.omnihub'),
  OMNIHUB_ADMIN_KEY: z.string().min(20).optional(),
  OMNIHUB_SECRET_KEY: z.string().optional(),
  OMNIHUB_SECRET_KEY_PREVIOUS: z.string().optional(),
  OMNIHUB_PUBLIC_URL: z.string().url().optional(),
  OMNIHUB_ALLOWED_PRIVATE_HOSTS: z.string().default(''),
  OMNIHUB_QUEUE_PREFIX: z.string().default('omnihub'),
  OMNIHUB_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Batch allocations writing at once across all workers (PostgreSQL advisory-lock slots); 0 = no cap. */
  OMNIHUB_ALLOCATION_SLOTS: z.coerce.number().int().min(0).max(256).default(2),
  OMNIHUB_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  OMNIHUB_DEFAULT_LOCALE: z.enum(['en', 'zh-CN', 'zh-TW']).default('en'),
  OMNIHUB_TIMEZONE: z.string().default('UTC'),
  /** API requests per second each key may make on average (token bucket refill); 0 turns the API limit off. */
  OMNIHUB_API_RATE: z.coerce.number().min(0).default(50),
  /** Requests a key may make at once before the rate applies (bucket size). */
  OMNIHUB_API_BURST: z.coerce.number().int().min(1).default(1000),
  /** Failed-login allowance per account (bucket size; one more per minute). */
  OMNIHUB_LOGIN_BURST_ACCOUNT: z.coerce.number().int().min(1).default(5),
  /** Login attempts per client IP (bucket size; ten more per minute). */
  OMNIHUB_LOGIN_BURST_IP: z.coerce.number().int().min(1).default(20),
  /** Behind a reverse proxy: take the client IP from X-Forwarded-For (only then). */
  OMNIHUB_TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  redisUrl?: string;
  dataDir: string;
  adminKey?: string;
  secretKey?: string;
  secretKeyPrevious?: string;
  publicUrl?: string;
  allowedPrivateHosts: string[];
  queuePrefix: string;
  workerConcurrency: number;
  allocationSlots: number;
  bodyLimitBytes: number;
  defaultLocale: 'en' | 'zh-CN' | 'zh-TW';
  timezone: string;
  logLevel: Env['LOG_LEVEL'];
  apiRate: number;
  apiBurst: number;
  loginBurstAccount: number;
  loginBurstIp: number;
  trustProxy: boolean;
}

/** Parses an environment (process.env by default) into a Config; throws a readable error naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: e.OMNIHUB_DATA_DIR,
    adminKey: e.OMNIHUB_ADMIN_KEY,
    secretKey: e.OMNIHUB_SECRET_KEY,
    secretKeyPrevious: e.OMNIHUB_SECRET_KEY_PREVIOUS,
    publicUrl: e.OMNIHUB_PUBLIC_URL?.replace(/\/$/, ''),
    allowedPrivateHosts: e.OMNIHUB_ALLOWED_PRIVATE_HOSTS.split(',').map((s) => s.trim()).filter(Boolean),
    queuePrefix: e.OMNIHUB_QUEUE_PREFIX,
    workerConcurrency: e.OMNIHUB_WORKER_CONCURRENCY,
    allocationSlots: e.OMNIHUB_ALLOCATION_SLOTS,
    bodyLimitBytes: e.OMNIHUB_BODY_LIMIT_BYTES,
    defaultLocale: e.OMNIHUB_DEFAULT_LOCALE,
    timezone: e.OMNIHUB_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    apiRate: e.OMNIHUB_API_RATE,
    apiBurst: e.OMNIHUB_API_BURST,
    loginBurstAccount: e.OMNIHUB_LOGIN_BURST_ACCOUNT,
    loginBurstIp: e.OMNIHUB_LOGIN_BURST_IP,
    trustProxy: e.OMNIHUB_TRUST_PROXY === 'true' || e.OMNIHUB_TRUST_PROXY === '1',
  };
}
