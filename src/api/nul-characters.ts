/**
 * PostgreSQL text cannot hold a NUL character, so input carrying one is refused up front with a 400
 * naming the field (the API and the UI both), rather than failing a query with a 500.
 */

/** The query parameters of `url` whose name or value holds a NUL character. */
export function nulQueryFields(url: string): string[] {
  if (!url.includes('%00')) return [];
  const bad: string[] = [];
  for (const [k, v] of new URL(url).searchParams) if (k.includes('\u0000') || v.includes('\u0000')) bad.push(k.replace(/\u0000/g, ''));
  return bad;
}

/** The paths (`lines.0.title`) of strings and keys in a parsed body holding a NUL character (at most 20). */
export function nulPaths(v: unknown, at = '', out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (typeof v === 'string') {
    if (v.includes('\u0000')) out.push(at || '(body)');
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => nulPaths(x, at ? `${at}.${i}` : String(i), out));
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const path = at ? `${at}.${k.replace(/\u0000/g, '')}` : k.replace(/\u0000/g, '');
      if (k.includes('\u0000')) out.push(path);
      else nulPaths(x, path, out);
    }
  }
  return out;
}

export const NUL_MESSAGE = 'must not contain a NUL character';
