import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInterchange } from '../../connectors/distributor/x12/parse';
import { read850s } from '../../connectors/distributor/x12/po850';
import { renderPdf } from '../../src/exports/pdf';
import { createTestHub, type TestHub, expectOk } from '../helpers/hub';
import { mappedText, streams } from '../helpers/pdf';

let t: TestHub;
let poId: string;
let poNumber: string;
const ok = (p: Promise<{ status: number; body: any }>, status = 200) => expectOk(p, status);
const raw = (path: string) => t.app.request(path, { headers: { authorization: `Bearer ${t.adminKey}` } });

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  await ok(t.api('POST', '/api/v1/warehouses', { code: 'SH', name: '上海仓', priority: 1 }), 201);
  await ok(t.api('POST', '/api/v1/products', { sku: 'TEA-1', title: '龙井茶' }), 201);
  await ok(t.api('POST', '/api/v1/products', { sku: 'TEA-2', title: '烏龍茶' }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', {
    code: 'HZ', name: '杭州茶业', currency: 'CNY', paymentTerms: '月结30天', contacts: [{ name: '王经理', email: 'wang@hz.example' }],
    edi: { senderQualifier: 'ZZ', senderId: 'OMNIHUB', receiverQualifier: 'ZZ', receiverId: 'HZTEA' },
  }), 201);
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'HZ', sku: 'TEA-1', supplierSku: 'LJ-500', priceBreaks: [{ minQuantity: 1, unitCostMinor: 4850 }] }));
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'HZ', sku: 'TEA-2', supplierSku: 'WL-250', priceBreaks: [{ minQuantity: 1, unitCostMinor: 3200 }] }));
  const po = await ok(t.api('POST', '/api/v1/purchase-orders', {
    supplier: 'HZ', notes: '请于周五前发货', lines: [{ sku: 'TEA-1', quantity: 40, warehouse: 'SH', expectedDate: '2030-05-01' }, { sku: 'TEA-2', quantity: 25, warehouse: 'SH', expectedDate: '2030-05-03' }],
  }), 201);
  poId = po.id;
  poNumber = po.number;
});
afterAll(() => t?.close());

describe('PO documents', () => {
  it('renders a valid PDF with the CJK font embedded and the Chinese text mapped (zh-CN and zh-TW labels)', async () => {
    const res = await raw(`/api/v1/purchase-orders/${poId}/pdf?lang=zh-CN`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toContain('%%EOF');
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC/);
    expect(text).toContain('/FontFile2');
    const chars = mappedText(pdf);
    // Title, labels (zh-CN), supplier, product and note all reach the page in Chinese.
    for (const s of ['采购订单', '供应商', '杭州茶业', '龙井茶', '烏龍茶', '合计', '请于周五前发货', '月结']) {
      for (const ch of s) expect(chars.has(ch), `${ch} of ${s}`).toBe(true);
    }
    expect(chars.has('鳥')).toBe(false);
    const tw = Buffer.from(await (await raw(`/api/v1/purchase-orders/${poId}/pdf?lang=zh-TW`)).arrayBuffer());
    for (const ch of '採購訂單供應商') expect(mappedText(tw).has(ch), ch).toBe(true);
  });

  it('the shared renderer paginates long tables and repeats the header', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => [`行 ${i + 1}`, '測試']);
    const pdf = await renderPdf({ title: '报表', table: { columns: [{ label: '列甲' }, { label: '列乙' }], rows }, createdAt: new Date('2026-01-01T00:00:00Z') });
    const pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    expect(pages).toBeGreaterThan(1);
    const again = await renderPdf({ title: '报表', table: { columns: [{ label: '列甲' }, { label: '列乙' }], rows }, createdAt: new Date('2026-01-01T00:00:00Z') });
    expect(again.length).toBe(pdf.length);
  });
});

describe('EDI trading partner', () => {
  it('sends an X12 850 that reads back as the same order, then applies the 855 and 856 to the lines and the timeline', async () => {
    await ok(t.api('POST', `/api/v1/purchase-orders/${poId}/send`));
    const x12 = await (await raw(`/api/v1/purchase-orders/${poId}/x12`)).text();
    const ic = parseInterchange(x12);
    expect(ic).toMatchObject({ senderId: 'OMNIHUB', receiverId: 'HZTEA' });
    const [read] = read850s(ic, { defaultCurrency: 'USD' });
    expect(read!.problems).toEqual([]);
    expect(read!.order).toMatchObject({ orderId: poNumber, currency: 'CNY' });
    expect(read!.order!.lines.map((l) => [l.lineId, l.quantity, l.unitPrice, l.partNumbers.VP, l.partNumbers.SK])).toEqual([
      ['1', 40, '48.50', 'LJ-500', 'TEA-1'], ['2', 25, '32.00', 'WL-250', 'TEA-2'],
    ]);
    expect(x12).toContain('DTM*002*20300501~');

    const env = (code: string, fid: string, body: string[]) => {
      const isa = 'ISA*00*          *00*          *ZZ*HZTEA          *ZZ*OMNIHUB        *260101*1200*U*00401*000000777*0*P*>~';
      const segs = [`GS*${fid}*HZTEA*OMNIHUB*20260101*1200*77*X*004010`, `ST*${code}*0001`, ...body, `SE*${body.length + 2}*0001`, 'GE*1*77', 'IEA*1*000000777'];
      return `${isa}\n${segs.join('~\n')}~\n`;
    };
    const ack = env('855', 'PR', [
      `BAK*00*AC*${poNumber}*20260101`,
      'PO1*1*40*EA*48.50**VP*LJ-500', 'ACK*IA*40*EA',
      'PO1*2*25*EA*32.00**VP*WL-250', 'ACK*IQ*20*EA',
      'CTT*2',
    ]);
    const a = await ok(t.api('POST', '/api/v1/purchase-orders/edi', ack, { 'content-type': 'text/plain' }));
    expect(a.acknowledgements).toEqual([{ poNumber, status: 'changed', lines: 2, found: true }]);
    const asn = env('856', 'SH', [
      'BSN*00*SHIP-9*20260102*0900', 'DTM*011*20260102', 'DTM*017*20260110',
      'HL*1**S', 'HL*2*1*O', `PRF*${poNumber}`,
      'HL*3*2*I', 'LIN*1*VP*LJ-500*SK*TEA-1', 'SN1**30*EA',
      'HL*4*2*I', 'LIN*2*VP*WL-250*SK*TEA-2', 'SN1**20*EA',
    ]);
    const n = await ok(t.api('POST', '/api/v1/purchase-orders/edi', asn, { 'content-type': 'text/plain' }));
    expect(n.shipNotices).toEqual([{ shipmentId: 'SHIP-9', poNumber, units: 50, expectedOn: '2026-01-10', found: true }]);

    const po = await ok(t.api('GET', `/api/v1/purchase-orders/${poId}`));
    expect(po.lines.map((l: any) => [l.ackStatus, l.ackQuantity, l.shippedQuantity])).toEqual([['accepted', 40, 30], ['changed', 20, 20]]);
    const kinds = po.timeline.map((e: any) => e.kind);
    expect(kinds).toEqual(['created', 'approved', 'sent', 'edi_855', 'edi_856']);
    expect(po.timeline[4].message).toContain('expected 2026-01-10');
    // Expected dates stay as ordered (on-time is measured against what was agreed).
    expect(po.lines[0].expectedDate).toBe('2030-05-01');

    const bad = await t.api('POST', '/api/v1/purchase-orders/edi', 'not x12', { 'content-type': 'text/plain' });
    expect(bad.status).toBe(400);
  });
});
