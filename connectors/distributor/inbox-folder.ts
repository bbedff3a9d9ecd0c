import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../src/errors';
import type { PullPage } from '../kit/connector';
import type { DistributorConfig } from './config';
import { fileDeliveryId, readDistributorFile, type ReadFileResult } from './read-file';

export const PROCESSED_DIR = 'processed';
/**
 * A folder is only read (and its files moved) when someone with access to the server put this
 * empty file in it: an API key can name any path in `inboxDir`, but cannot make the hub empty
 * /etc or a home directory.
 */
export const INBOX_MARKER = '.omnihub-inbox';

interface Waiting {
  name: string;
  full: string;
  mtimeMs: number;
}

/** Files waiting in the inbox, oldest first (ties by name); dot-files and folders are left alone. */
export async function listInbox(dir: string): Promise<Waiting[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    // A folder that is not there (or not readable) is a configuration problem: retrying will not help.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') {
      throw new AppError('inbox_unreadable', `config.inboxDir ${dir} cannot be read (${code})`, { status: 400, retryable: false, cause: err });
    }
    throw err;
  }
  if (!entries.some((e) => e.isFile() && e.name === INBOX_MARKER)) {
    throw new AppError('inbox_not_marked', `config.inboxDir ${dir} is not marked as an inbox: create an empty file named ${INBOX_MARKER} in it`, { status: 400, retryable: false });
  }
  const files: Waiting[] = [];
  for (const e of entries) {
    if (!e.isFile() || e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    const s = await stat(full);
    files.push({ name: e.name, full, mtimeMs: s.mtimeMs });
  }
  return files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1));
}

async function freeName(dir: string, name: string): Promise<string> {
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? name : `${name}.${i}`;
    try {
      await stat(path.join(dir, candidate));
    } catch {
      return candidate;
    }
  }
}

/** Moves a read file to processed/ and writes its report and acknowledgements beside it. */
export async function archiveFile(dir: string, file: Waiting, result: ReadFileResult): Promise<string> {
  const done = path.join(dir, PROCESSED_DIR);
  await mkdir(done, { recursive: true });
  const name = await freeName(done, file.name);
  // Report and acks first: if the move is interrupted the file is read again, and the same
  // content gives the same raw-event delivery ids, so nothing is stored twice.
  await writeFile(path.join(done, `${name}.report.json`), JSON.stringify(result.report, null, 2));
  for (const [kind, body] of Object.entries(result.acknowledgements)) {
    if (body) await writeFile(path.join(done, `${name}.${kind}.edi`), body);
  }
  await rename(file.full, path.join(done, name));
  return name;
}

/**
 * The inbox-folder pull: one page per file, oldest first. The page is stored (raw events and
 * checkpoint in one transaction) before the generator resumes, and only then is the file moved,
 * so a crash in between re-reads the file and its orders dedupe on their delivery ids.
 */
export async function* pullInboxFolder(config: DistributorConfig, now: () => Date): AsyncGenerator<PullPage> {
  if (!config.inboxDir) return;
  const dir = config.inboxDir;
  let processed = 0;
  for (const file of await listInbox(dir)) {
    const content = await readFile(file.full);
    // The file's modification time (whole seconds: file systems round sub-second times differently)
    // stands for when it arrived, so a re-read after a crash gives the same delivery ids.
    const arrived = Math.floor(Math.min(file.mtimeMs, now().getTime()) / 1000) * 1000;
    const result = readDistributorFile(file.name, content, config, new Date(arrived));
    processed++;
    yield {
      records: result.orders.map((o) => ({
        externalId: o.orderId,
        updatedAt: o.receivedAt,
        body: JSON.stringify(o),
        // The same delivery id as an upload of the same file: the same content read twice (or also
        // uploaded) is one delivery.
        deliveryId: fileDeliveryId(result.report.sha256, o.orderId),
        path: 'import' as const,
      })),
      cursor: { lastFile: file.name, filesProcessed: processed },
    };
    await archiveFile(dir, file, result);
  }
}
