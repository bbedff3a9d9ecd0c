import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { fromMinor } from '../domain/money';
import { toCsv } from '../exports/csv';
import { renderPdf } from '../exports/pdf';
import { createI18n, type Locale } from '../i18n/index';
import { getPurchaseOrder } from './purchase-orders';

/** The document of a PO as the supplier sees it: in the PO's (supplier's) currency, labels in `locale`. */
async function poDocument(ctx: Ctx, idOrNumber: string, locale: Locale) {
  const po = await getPurchaseOrder(ctx, idOrNumber);
  const i18n = createI18n(locale, ctx.config.timezone, ctx.now);
  const { t } = i18n;
  const sup = (await q(ctx).execute(sql`select name, payment_terms, contacts from suppliers where id = ${po.supplierId}`)).rows[0] as { name: string; payment_terms: string | null; contacts: Array<{ name: string; email?: string | null }> };
  const titles = await q(ctx).execute(sql`select sku, title from products where sku in (select jsonb_array_elements_text(${JSON.stringify(po.lines.map((l) => l.sku))}::jsonb))`);
  const title = new Map((titles.rows as Array<{ sku: string; title: string }>).map((r) => [r.sku, r.title]));
  const columns = [t('purchasing.col.line'), t('field.sku'), t('purchasing.col.supplierSku'), t('purchasing.col.description'), t('purchasing.col.quantity'),
    t('purchasing.col.unitCost'), t('purchasing.col.amount'), t('purchasing.col.expectedDate'), t('purchasing.col.warehouse')];
  const rows = po.lines.map((l) => [String(l.lineNo), l.sku, l.supplierSku ?? '', title.get(l.sku) ?? '', i18n.number(l.quantity),
    i18n.money(l.unitCostMinor, po.currency), i18n.money(l.amountMinor, po.currency), l.expectedDate, l.warehouse]);
  const csvRows = po.lines.map((l) => [l.lineNo, l.sku, l.supplierSku ?? '', title.get(l.sku) ?? '', l.quantity,
    fromMinor(l.unitCostMinor, po.currency), fromMinor(l.amountMinor, po.currency), l.expectedDate, l.warehouse]);
  const contact = sup.contacts[0];
  const header = [
    { label: t('purchasing.field.number'), value: po.number },
    { label: t('purchasing.field.supplier'), value: `${sup.name} (${po.supplierCode})` },
    ...(contact ? [{ label: t('purchasing.field.contact'), value: [contact.name, contact.email].filter(Boolean).join(' · ') }] : []),
    { label: t('purchasing.field.currency'), value: po.currency },
    { label: t('purchasing.field.paymentTerms'), value: sup.payment_terms ?? '—' },
    { label: t('purchasing.field.status'), value: i18n.tEnum('purchasing.status', po.status) },
    { label: t('purchasing.field.created'), value: i18n.date(po.createdAt) },
  ];
  return { po, i18n, columns, rows, csvRows, header };
}

export async function purchaseOrderPdf(ctx: Ctx, idOrNumber: string, locale: Locale = 'en'): Promise<{ filename: string; bytes: Buffer }> {
  const d = await poDocument(ctx, idOrNumber, locale);
  const { t } = d.i18n;
  const bytes = await renderPdf({
    title: t('purchasing.order.title', { number: d.po.number }),
    header: d.header,
    table: { columns: d.columns.map((label, i) => ({ label, align: i === 4 || i === 5 || i === 6 ? 'right' as const : 'left' as const, width: [0.5, 1.3, 1.2, 2, 0.8, 1.1, 1.2, 1.1, 0.9][i] })), rows: d.rows },
    totals: [{ label: t('purchasing.col.total'), value: d.i18n.money(d.po.totalMinor, d.po.currency) }],
    footer: d.po.notes ?? undefined,
    createdAt: new Date(d.po.createdAt),
  });
  return { filename: `${d.po.number}.pdf`, bytes };
}

export async function purchaseOrderCsv(ctx: Ctx, idOrNumber: string, locale: Locale = 'en'): Promise<{ filename: string; text: string }> {
  const d = await poDocument(ctx, idOrNumber, locale);
  return { filename: `${d.po.number}.csv`, text: toCsv(d.columns, d.csvRows) };
}
