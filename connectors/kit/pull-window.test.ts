import { describe, expect, it } from 'vitest';
import { openWindow, pullWindow } from './pull-window';

const now = new Date('2026-03-01T12:00:00.000Z');

describe('pull windows', () => {
  it('a first pull runs from the beginning (or since) to now minus the lag', () => {
    expect(openWindow(null, { now, lagMs: 30_000 })).toEqual({ start: '1970-01-01T00:00:00.000Z', end: '2026-03-01T11:59:30.000Z', token: null });
    expect(openWindow(null, { now, since: '2026-01-01T00:00:00Z' }).start).toBe('2026-01-01T00:00:00.000Z');
  });

  it('a later pull starts a look-back before the last end (inclusive overlap)', () => {
    const w = openWindow({ since: '2026-03-01T11:00:00.000Z' }, { now, lookbackMs: 300_000 });
    expect(w.start).toBe('2026-03-01T10:55:00.000Z');
  });

  it('stores the window and page token after each page, and moves since to the end when done', async () => {
    const pages = [{ records: [1, 2], next: 'p2' }, { records: [3], next: 'p3' }, { records: [], next: null }];
    const tokens: unknown[] = [];
    const out = [];
    for await (const p of pullWindow<number>(null, { now }, async (_w, token) => {
      tokens.push(token);
      return pages[tokens.length - 1]!;
    })) out.push(p);
    expect(tokens).toEqual([null, 'p2', 'p3']);
    expect(out[0]!.cursor.window).toMatchObject({ token: 'p2', end: '2026-03-01T11:59:30.000Z' });
    expect(out[2]!.cursor).toEqual({ since: '2026-03-01T11:59:30.000Z' });
  });

  it('resumes inside the stored window at the stored token', async () => {
    const cursor = { since: '2026-02-01T00:00:00.000Z', window: { start: '2026-01-31T23:55:00.000Z', end: '2026-02-20T00:00:00.000Z', token: 'p7' } };
    const seen: unknown[] = [];
    for await (const _ of pullWindow(cursor, { now }, async (w, token) => {
      seen.push([w.start, w.end, token]);
      return { records: [], next: null };
    })) { /* drain */ }
    expect(seen).toEqual([['2026-01-31T23:55:00.000Z', '2026-02-20T00:00:00.000Z', 'p7']]);
  });
});
