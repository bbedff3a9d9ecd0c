import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { openHub } from '../../src/hub';
import { createLogger } from '../../src/logger';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs the CLI as a user would (npx tsx src/cli.ts …), on the embedded defaults only. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli.ts', ...args], {
      cwd: ROOT,
      // Empty URLs are ignored by loadConfig: these runs never touch the real servers.
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The embedded database is one process's at a time: open a hub on it, work, close before the CLI runs. */
export async function withEmbeddedHub<T>(env: Record<string, string>, fn: (ctx: import('../../src/context').Ctx) => Promise<T>): Promise<T> {
  const hub = await openHub(loadConfig({ ...env, LOG_LEVEL: 'silent' }), { log: createLogger('silent') });
  try {
    return await fn(hub.ctx);
  } finally {
    await hub.close();
  }
}
