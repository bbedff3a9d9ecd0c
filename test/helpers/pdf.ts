import { inflateSync } from 'node:zlib';

/** Every stream of a PDF, inflated when Flate-encoded (pdfkit compresses content, fonts and CMaps). */
export function streams(pdf: Buffer): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const s = pdf.indexOf('stream\n', i);
    if (s < 0) break;
    const e = pdf.indexOf('\nendstream', s);
    const body = pdf.subarray(s + 7, e);
    try {
      out.push(inflateSync(body).toString('latin1'));
    } catch {
      out.push(body.toString('latin1'));
    }
    i = e + 10;
  }
  return out;
}
/** The code points the PDF's ToUnicode maps declare (what a reader extracts as text). */
export function mappedText(pdf: Buffer): Set<string> {
  const chars = new Set<string>();
  for (const s of streams(pdf).filter((x) => x.includes('beginbfrange') || x.includes('beginbfchar'))) {
    for (const m of s.matchAll(/<([0-9a-fA-F]{4,})>/g)) {
      const hex = m[1]!;
      for (let k = 0; k + 4 <= hex.length; k += 4) chars.add(String.fromCharCode(parseInt(hex.slice(k, k + 4), 16)));
    }
  }
  return chars;
}

