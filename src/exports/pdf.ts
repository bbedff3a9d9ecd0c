import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/**
 * The shared PDF renderer: one generic document (title, a key–value header block, a table, totals,
 * an optional footer note) that any module fills with already-localised labels and formatted
 * values. Text is set in Noto Sans SC, which covers Latin, Simplified and Traditional Chinese, so a
 * zh-CN or zh-TW document renders without tofu; pdfkit embeds only the glyphs used (a subset).
 *
 * @example
 * const pdf = await renderPdf({ title: '采购订单 PO-000001', header: [{ label: '供应商', value: 'ACME' }],
 *   table: { columns: [{ label: 'SKU' }, { label: '数量', align: 'right' }], rows: [['TEE-1', '10']] },
 *   totals: [{ label: '合计', value: '¥100.00' }] });
 */
export interface PdfColumn {
  label: string;
  align?: 'left' | 'right';
  /** Relative width (default 1). */
  width?: number;
}

export interface PdfDocumentSpec {
  title: string;
  subtitle?: string;
  header?: Array<{ label: string; value: string }>;
  table?: { columns: PdfColumn[]; rows: string[][] };
  totals?: Array<{ label: string; value: string }>;
  footer?: string;
  /** Document metadata (Info dictionary). */
  author?: string;
  /** A fixed creation date makes the output reproducible (tests, re-sends). */
  createdAt?: Date;
}

const require = createRequire(import.meta.url);
/** Resolved through the package, not a relative path, so it works from any working directory. */
export const CJK_FONT_PATH = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
export const CJK_FONT_NAME = 'NotoSansSC';
let fontBytes: Buffer | null = null;
/** Read once per process (10 MB); the PDF gets a subset. */
function cjkFont(): Buffer {
  fontBytes ??= readFileSync(CJK_FONT_PATH);
  return fontBytes;
}

/** Renders the document to bytes (A4, 40 pt margins, the table repeating its header on each page). */
export function renderPdf(spec: PdfDocumentSpec): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4', margin: 40, bufferPages: false,
      info: { Title: spec.title, Author: spec.author ?? 'omnihub', Producer: 'omnihub', Creator: 'omnihub', CreationDate: spec.createdAt ?? new Date() },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      doc.registerFont(CJK_FONT_NAME, cjkFont());
      doc.font(CJK_FONT_NAME);
      const left = doc.page.margins.left;
      const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

      doc.fontSize(18).text(spec.title, left, doc.y, { width });
      if (spec.subtitle) doc.fontSize(10).fillColor('#555555').text(spec.subtitle, { width }).fillColor('black');
      doc.moveDown(0.8);

      if (spec.header?.length) {
        doc.fontSize(10);
        const labelW = Math.min(160, width * 0.3);
        for (const h of spec.header) {
          const y = doc.y;
          doc.fillColor('#555555').text(h.label, left, y, { width: labelW - 8 });
          const afterLabel = doc.y;
          doc.fillColor('black').text(h.value || '—', left + labelW, y, { width: width - labelW });
          doc.y = Math.max(afterLabel, doc.y) + 2;
        }
        doc.moveDown(0.8);
      }

      if (spec.table) drawTable(doc, spec.table, left, width);

      if (spec.totals?.length) {
        doc.moveDown(0.5).fontSize(11);
        for (const t of spec.totals) {
          const y = doc.y;
          doc.text(t.label, left, y, { width: width * 0.7, align: 'right' });
          doc.text(t.value, left + width * 0.7, y, { width: width * 0.3, align: 'right' });
          doc.moveDown(0.2);
        }
      }
      if (spec.footer) doc.moveDown(1).fontSize(9).fillColor('#555555').text(spec.footer, left, doc.y, { width }).fillColor('black');
      doc.end();
    } catch (err) {
      reject(err);
    }
  });
}

function drawTable(doc: PDFKit.PDFDocument, table: { columns: PdfColumn[]; rows: string[][] }, left: number, width: number): void {
  const weights = table.columns.map((c) => c.width ?? 1);
  const sum = weights.reduce((s, w) => s + w, 0);
  const widths = weights.map((w) => (w / sum) * width);
  const pad = 4;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const rowHeight = (cells: string[]) => Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i]! - 2 * pad }))) + 2 * pad;
  const drawRow = (cells: string[], header: boolean) => {
    const h = rowHeight(cells);
    if (doc.y + h > bottom()) {
      doc.addPage();
      doc.font(CJK_FONT_NAME);
      if (!header) drawRow(table.columns.map((c) => c.label), true);
    }
    const y = doc.y;
    if (header) doc.rect(left, y, width, h).fill('#eeeeee').fillColor('black');
    let x = left;
    cells.forEach((c, i) => {
      doc.text(c ?? '', x + pad, y + pad, { width: widths[i]! - 2 * pad, align: table.columns[i]?.align ?? 'left' });
      x += widths[i]!;
    });
    doc.moveTo(left, y + h).lineTo(left + width, y + h).strokeColor('#cccccc').lineWidth(0.5).stroke();
    doc.y = y + h;
    doc.x = left;
  };
  doc.fontSize(9);
  drawRow(table.columns.map((c) => c.label), true);
  for (const r of table.rows) drawRow(r, false);
}
