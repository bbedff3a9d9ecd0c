/**
 * Private Redis and PostgreSQL servers for the fault tests: started on free ports in temp
 * directories, killed and restarted by the test. The machine's shared servers (5432, 6379) are
 * never touched.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitPort(port: number, up: boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (open === up) return;
    if (Date.now() > end) throw new Error(`port ${port} did not go ${up ? 'up' : 'down'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A redis-server of our own, without persistence (a restart comes back empty, the worst case). */
export class PrivateRedis {
  private proc?: ChildProcess;
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  /** Starts it, unless it is running (a second spawn would fail to bind, and `kill` would then miss the live one). */
  async start(): Promise<void> {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) return;
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitPort(this.port, true);
  }
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
    await waitPort(this.port, false);
  }
}

/** The newest installed PostgreSQL's binaries (initdb, pg_ctl), or null. */
export function postgresBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : null;
}

/**
 * A PostgreSQL cluster of our own (initdb in a temp dir, run as the `postgres` OS user when we are
 * root, since the server refuses to run as root), trust auth on 127.0.0.1 only.
 */
export class PrivatePostgres {
  readonly dir: string;
  constructor(readonly port: number, private readonly bin = postgresBin()!) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'omnihub-pg-'));
    chmodSync(this.dir, 0o777);
  }
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }
  private run(cmd: string, args: string[]): void {
    const asRoot = process.getuid?.() === 0;
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(this.bin, cmd), ...args]] : [path.join(this.bin, cmd), args];
    execFileSync(file as string, argv as string[], { stdio: 'pipe', cwd: '/' });
  }
  async init(): Promise<void> {
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres', this.dir]);
    this.run('initdb', ['-D', path.join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  }
  async start(): Promise<void> {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'log'), '-w', '-t', '30', '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`, 'start']);
    await waitPort(this.port, true);
  }
  /** Immediate stop: like a crash, open connections are cut without a goodbye. */
  async stop(): Promise<void> {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    await waitPort(this.port, false);
  }
  async destroy(): Promise<void> {
    try {
      this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* not running */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
