/**
 * JSON.parse that keeps integers beyond 2^53 exact: they come back as strings (Shopify ids such as
 * 820982911946154508 would otherwise silently become 820982911946154500). Everything else is what
 * JSON.parse gives. Node 20 has no `JSON.parse` source access, hence this small pre-pass: it quotes
 * long integer literals outside strings, then hands the text to the native parser.
 */
export function parseJsonSafe(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip a string literal, honouring escapes.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) i++;
        else break;
      }
      const lit = text.slice(start, i);
      if (/^-?\d{16,}$/.test(lit) && !Number.isSafeInteger(Number(lit))) {
        out += `${text.slice(last, start)}"${lit}"`;
        last = i;
      }
      continue;
    }
    i++;
  }
  return JSON.parse(out + text.slice(last));
}
