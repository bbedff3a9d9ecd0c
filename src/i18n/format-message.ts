/**
 * A small ICU MessageFormat subset, enough for the catalogues: `{name}` placeholders,
 * `{n, plural, =0 {...} one {...} other {...}}` with `#` for the formatted number, and
 * `{x, select, a {...} other {...}}`. Plural categories come from Intl.PluralRules.
 * (A dependency would do more; the catalogues need no more than this, and it has no install step.)
 * @example formatMessage('en', '{count, plural, one {# order} other {# orders}}', { count: 2 }) // "2 orders"
 */
export type MessageValues = Record<string, string | number | null | undefined>;

type Node = string | { arg: string } | { arg: string; kind: 'plural' | 'select'; options: Record<string, Node[]>; offset: number };

const cache = new Map<string, Node[]>();

function parse(src: string): Node[] {
  let pos = 0;
  function parseNodes(inPlural: boolean): Node[] {
    const out: Node[] = [];
    let text = '';
    while (pos < src.length) {
      const ch = src[pos]!;
      if (ch === "'" && (src[pos + 1] === '{' || src[pos + 1] === '}' || src[pos + 1] === "'")) {
        // ICU quoting: '{ is a literal brace, '' a literal quote.
        text += src[pos + 1];
        pos += 2;
        continue;
      }
      if (ch === '}') break;
      if (ch === '#' && inPlural) {
        if (text) out.push(text);
        text = '';
        out.push({ arg: '#' });
        pos++;
        continue;
      }
      if (ch === '{') {
        if (text) out.push(text);
        text = '';
        pos++;
        out.push(parseArg());
        continue;
      }
      text += ch;
      pos++;
    }
    if (text) out.push(text);
    return out;
  }
  function readUntil(stops: string): string {
    const start = pos;
    while (pos < src.length && !stops.includes(src[pos]!)) pos++;
    return src.slice(start, pos).trim();
  }
  function parseArg(): Node {
    const name = readUntil(',}');
    if (src[pos] === '}') {
      pos++;
      return { arg: name };
    }
    pos++; // ,
    const kind = readUntil(',}');
    if (kind !== 'plural' && kind !== 'select') throw new Error(`unsupported argument type "${kind}" in: ${src}`);
    pos++; // ,
    const options: Record<string, Node[]> = {};
    let offset = 0;
    for (;;) {
      while (pos < src.length && /\s/.test(src[pos]!)) pos++;
      if (src[pos] === '}') {
        pos++;
        break;
      }
      const key = readUntil('{');
      if (key.startsWith('offset:')) {
        // not used by the catalogues; accepted for completeness
        offset = Number(key.slice(7));
        continue;
      }
      if (src[pos] !== '{') throw new Error(`bad message: ${src}`);
      pos++;
      options[key] = parseNodes(kind === 'plural');
      if (src[pos] !== '}') throw new Error(`unclosed option in: ${src}`);
      pos++;
    }
    if (!options.other) throw new Error(`"${name}" needs an "other" option in: ${src}`);
    return { arg: name, kind, options, offset };
  }
  const nodes = parseNodes(false);
  if (pos < src.length) throw new Error(`unbalanced braces in: ${src}`);
  return nodes;
}

/** Parses (and caches) a message; throws on syntax the subset does not know. */
export function parseMessage(src: string): Node[] {
  let nodes = cache.get(src);
  if (!nodes) {
    nodes = parse(src);
    cache.set(src, nodes);
  }
  return nodes;
}

/** The argument names a message uses, for the catalogue tests (every language uses the same ones). */
export function messageArgs(src: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (typeof n === 'string') continue;
      if (n.arg !== '#') names.add(n.arg);
      if ('options' in n) Object.values(n.options).forEach(walk);
    }
  };
  walk(parseMessage(src));
  return [...names].sort();
}

export function formatMessage(locale: string, src: string, values: MessageValues = {}): string {
  const plural = new Intl.PluralRules(locale);
  const num = new Intl.NumberFormat(locale);
  const render = (nodes: Node[], hash: number | null): string =>
    nodes
      .map((n) => {
        if (typeof n === 'string') return n;
        if (n.arg === '#') return hash === null ? '#' : num.format(hash);
        const v = values[n.arg];
        if (!('options' in n)) return v === null || v === undefined ? '' : typeof v === 'number' ? num.format(v) : v;
        if (n.kind === 'plural') {
          const count = Number(v ?? 0) - n.offset;
          const exact = n.options[`=${Number(v ?? 0)}`];
          const branch = exact ?? n.options[plural.select(count)] ?? n.options.other!;
          return render(branch, count);
        }
        return render(n.options[String(v)] ?? n.options.other!, hash);
      })
      .join('');
  return render(parseMessage(src), null);
}
