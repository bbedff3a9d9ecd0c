/**
 * A small ASC X12 reader: enough for purchase orders (850) and the acknowledgements we send back.
 * The separators are read from the ISA segment itself (it is fixed-width: 106 characters), so files
 * from partners that use `|`, `^` or a newline as terminators parse the same way.
 *
 * No npm X12 parser was used: the maintained ones (node-x12) ship as ESM/CJS hybrids with
 * decorators and pull in more than the 850/997/855 work needs; this file is ~150 lines and tested.
 */

export interface Separators {
  element: string;
  component: string;
  segment: string;
  /** ISA11 from version 00402 on; null for 00401 and earlier (where ISA11 is `U`). */
  repetition: string | null;
}

export interface Segment {
  id: string;
  /** Elements after the segment id: `elements[0]` is XX01. */
  elements: string[];
  /** 1-based position of the segment in the interchange, for error messages. */
  position: number;
}

export interface TransactionSet {
  st: Segment;
  se: Segment;
  /** Segments between ST and SE (exclusive). */
  body: Segment[];
  code: string;
  controlNumber: string;
}

export interface FunctionalGroup {
  gs: Segment;
  ge: Segment;
  functionalId: string;
  sender: string;
  receiver: string;
  controlNumber: string;
  version: string;
  transactions: TransactionSet[];
}

export interface Interchange {
  separators: Separators;
  isa: Segment;
  iea: Segment;
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  controlNumber: string;
  version: string;
  usage: 'P' | 'T';
  groups: FunctionalGroup[];
}

export class X12Error extends Error {
  constructor(message: string, readonly position?: number, readonly segmentId?: string) {
    super(position ? `segment ${position}${segmentId ? ` (${segmentId})` : ''}: ${message}` : message);
    this.name = 'X12Error';
  }
}

/** Element `n` (1-based, as X12 numbers them) of a segment, trimmed; '' when absent. */
export function el(seg: Segment, n: number): string {
  return (seg.elements[n - 1] ?? '').trim();
}

/** Reads the separators from the ISA header. */
export function readSeparators(text: string): Separators {
  const start = text.indexOf('ISA');
  if (start < 0 || text.length - start < 106) throw new X12Error('no ISA header: not an X12 interchange');
  const isa = text.slice(start, start + 106);
  const element = isa[3]!;
  // ISA is 16 elements of fixed width; element 16 (component separator) is the 105th character.
  const parts = isa.split(element);
  if (parts.length < 17) throw new X12Error('the ISA header does not have 16 elements');
  const component = isa[104]!;
  let segment = isa[105]!;
  // A CR LF terminator ends the segment at the CR; the LF is then whitespace between segments.
  if (segment === '\r' && text[start + 106] === '\n') segment = '\r\n';
  const version = parts[12] ?? '';
  const rep = parts[11] ?? '';
  return { element, component, segment, repetition: version >= '00402' && rep && rep !== 'U' ? rep : null };
}

/** Splits an interchange into segments (line breaks around terminators are ignored). */
export function splitSegments(text: string, sep: Separators): Segment[] {
  const start = text.indexOf('ISA');
  const raw = text.slice(start).split(sep.segment);
  const out: Segment[] = [];
  for (const chunk of raw) {
    const s = chunk.replace(/^[\r\n]+|[\r\n]+$/g, '');
    if (!s.trim()) continue;
    const [id = '', ...elements] = s.split(sep.element);
    out.push({ id: id.trim(), elements, position: out.length + 1 });
  }
  return out;
}

/**
 * Parses and checks an interchange: ISA/IEA, GS/GE and ST/SE pairs with matching control numbers
 * and counts (SE01 = segments from ST to SE inclusive, GE01 = sets, IEA01 = groups).
 */
export function parseInterchange(text: string): Interchange {
  const separators = readSeparators(text);
  const segs = splitSegments(text, separators);
  const isa = segs[0];
  if (!isa || isa.id !== 'ISA') throw new X12Error('the interchange must start with ISA', 1, isa?.id);
  const groups: FunctionalGroup[] = [];
  let i = 1;
  let iea: Segment | undefined;
  while (i < segs.length) {
    const seg = segs[i]!;
    if (seg.id === 'IEA') {
      iea = seg;
      i++;
      break;
    }
    if (seg.id !== 'GS') throw new X12Error(`expected GS or IEA, found ${seg.id}`, seg.position, seg.id);
    const gs = seg;
    i++;
    const transactions: TransactionSet[] = [];
    let ge: Segment | undefined;
    while (i < segs.length) {
      const s = segs[i]!;
      if (s.id === 'GE') {
        ge = s;
        i++;
        break;
      }
      if (s.id !== 'ST') throw new X12Error(`expected ST or GE, found ${s.id}`, s.position, s.id);
      const st = s;
      const body: Segment[] = [];
      i++;
      let se: Segment | undefined;
      while (i < segs.length) {
        const b = segs[i]!;
        i++;
        if (b.id === 'SE') {
          se = b;
          break;
        }
        if (b.id === 'ST' || b.id === 'GE' || b.id === 'IEA') throw new X12Error(`transaction set ${el(st, 2)} has no SE`, b.position, b.id);
        body.push(b);
      }
      if (!se) throw new X12Error(`transaction set ${el(st, 2)} has no SE`, st.position, 'ST');
      const count = Number(el(se, 1));
      if (count !== body.length + 2) throw new X12Error(`SE01 says ${el(se, 1)} segments, the set has ${body.length + 2}`, se.position, 'SE');
      if (el(se, 2) !== el(st, 2)) throw new X12Error(`SE02 ${el(se, 2)} does not match ST02 ${el(st, 2)}`, se.position, 'SE');
      transactions.push({ st, se, body, code: el(st, 1), controlNumber: el(st, 2) });
    }
    if (!ge) throw new X12Error(`group ${el(gs, 6)} has no GE`, gs.position, 'GS');
    if (Number(el(ge, 1)) !== transactions.length) throw new X12Error(`GE01 says ${el(ge, 1)} sets, the group has ${transactions.length}`, ge.position, 'GE');
    if (el(ge, 2) !== el(gs, 6)) throw new X12Error(`GE02 ${el(ge, 2)} does not match GS06 ${el(gs, 6)}`, ge.position, 'GE');
    groups.push({
      gs, ge, transactions,
      functionalId: el(gs, 1), sender: el(gs, 2), receiver: el(gs, 3), controlNumber: el(gs, 6), version: el(gs, 8),
    });
  }
  if (!iea) throw new X12Error('the interchange has no IEA trailer');
  // Anything after IEA would otherwise be dropped without a word.
  const extra = segs[i];
  if (extra) throw new X12Error('segments follow the IEA trailer; send one interchange per file', extra.position, extra.id);
  if (Number(el(iea, 1)) !== groups.length) throw new X12Error(`IEA01 says ${el(iea, 1)} groups, the interchange has ${groups.length}`, iea.position, 'IEA');
  if (el(iea, 2) !== el(isa, 13)) throw new X12Error(`IEA02 ${el(iea, 2)} does not match ISA13 ${el(isa, 13)}`, iea.position, 'IEA');
  const usage = el(isa, 15);
  return {
    separators, isa, iea, groups,
    senderQualifier: el(isa, 5), senderId: el(isa, 6), receiverQualifier: el(isa, 7), receiverId: el(isa, 8),
    controlNumber: el(isa, 13), version: el(isa, 12), usage: usage === 'T' ? 'T' : 'P',
  };
}
