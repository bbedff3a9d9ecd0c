import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * vitest globalSetup: every temporary file of a run (the test hubs' data directories, CLI imports,
 * PGlite, Chromium profiles) goes under one directory, removed when the run ends. The workers and the
 * processes they spawn inherit TMPDIR, and `os.tmpdir()` reads it. Before, each embedded run left about
 * 1 GB of data directories in /tmp. OMNIHUB_KEEP_TMP=1 keeps the directory for a post-mortem.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'omnihub-run-'));
  // Traversable by other users, as /tmp is: the fault tests run a private PostgreSQL as `postgres`
  // in a directory of their own under it (each such directory sets its own mode).
  chmodSync(root, 0o755);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (process.env.OMNIHUB_KEEP_TMP) process.stderr.write(`temporary files kept in ${root}\n`);
    else rmSync(root, { recursive: true, force: true });
  };
}
