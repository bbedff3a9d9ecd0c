/**
 * The purchasing forms (supplier, supplier item, quote, purchase order): their fields, how a posted
 * form becomes the verb's input, and how the verb's ValidationError paths come back as messages
 * next to the fields. The verbs do all validation; this file only reshapes strings.
 */
import type { FC } from 'hono/jsx';
import { currencyExponent, fromMinor, MoneyFormatError, toMinor } from '../../domain/money';
import { AppError, ValidationError } from '../../errors';
import type { Warehouse } from '../../inventory/warehouses';
import { DateOnly } from '../../purchasing/parse-input';
import type { SupplierItem } from '../../purchasing/supplier-items';
import type { Supplier } from '../../purchasing/suppliers';
import type { View } from '../env';

/** A form as the person typed it (strings by field name), kept so a refused form comes back unchanged. */
export type FormValues = Record<string, string>;
/** Localised messages by field name. */
export type FieldErrors = Record<string, string>;

/** Blank rows offered for the repeatable parts of each form. */
export const CONTACT_ROWS = 2;
export const BREAK_ROWS = 3;
export const LINE_ROWS = 5;

export function formValues(f: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const [k, x] of Object.entries(f)) {
    const s = Array.isArray(x) ? x[0] : x;
    if (typeof s === 'string' && k !== '_csrf') out[k] = s;
  }
  return out;
}

const val = (f: FormValues, k: string) => (f[k] ?? '').trim();
/** A whole number field: blank is `blank`, anything else goes to the verb as typed (NaN included, so the verb names the field). */
const num = <B,>(f: FormValues, k: string, blank: B): number | B => (val(f, k) === '' ? blank : Number(val(f, k)));
const checked = (f: FormValues, k: string) => f[k] === 'on' || f[k] === 'true';

/** A decimal typed in the form, in integer minor units of the currency; malformed stays NaN for the verb to refuse. */
function minorOf(text: string, currency: string): number {
  try {
    return toMinor(text, currency);
  } catch (err) {
    if (!(err instanceof MoneyFormatError)) throw err;
    return Number.NaN;
  }
}

/** Indices of the rows `prefix.i.*` with anything typed in them: blank rows are spare, not errors. */
function filledRows(f: FormValues, prefix: string, fields: readonly string[]): number[] {
  const max = Math.max(-1, ...Object.keys(f).map((k) => new RegExp(`^${prefix}\\.(\\d+)\\.`).exec(k)?.[1]).filter((x) => x !== undefined).map(Number));
  const out: number[] = [];
  for (let i = 0; i <= Math.min(max, 199); i++) if (fields.some((k) => val(f, `${prefix}.${i}.${k}`) !== '')) out.push(i);
  return out;
}

/** A form read for a verb: the input, and which form row each array element came from. */
export interface ReadForm { input: Record<string, unknown>; rows: Record<string, number[]> }

/** The X12 envelope a supplier's POs are sent in (ISA sender/receiver and the usage indicator). */
const EDI_FIELDS = ['senderQualifier', 'senderId', 'receiverQualifier', 'receiverId', 'usage'] as const;

export function readSupplierForm(f: FormValues, mode: 'create' | 'edit'): ReadForm {
  const contacts = filledRows(f, 'contacts', ['name', 'email', 'phone', 'role']);
  const input: Record<string, unknown> = {
    name: val(f, 'name'), paymentTerms: val(f, 'paymentTerms') || null, leadTimeDays: num(f, 'leadTimeDays', undefined),
    contacts: contacts.map((i) => ({
      name: val(f, `contacts.${i}.name`), email: val(f, `contacts.${i}.email`) || null,
      phone: val(f, `contacts.${i}.phone`) || null, role: val(f, `contacts.${i}.role`) || null,
    })),
  };
  if (mode === 'create') Object.assign(input, { code: val(f, 'code'), currency: val(f, 'currency').toUpperCase() });
  else input.active = checked(f, 'active');
  // An X12 trading partner when any EDI field is filled (the verb names what is missing); all blank: none.
  const edi = Object.fromEntries(EDI_FIELDS.map((k) => [k, val(f, `edi.${k}`).trim()]));
  if (EDI_FIELDS.some((k) => k !== 'usage' && edi[k])) input.edi = { ...edi, usage: edi.usage || 'P' };
  else if (mode === 'edit') input.edi = null;
  return { input, rows: { contacts } };
}

export function readSupplierItemForm(f: FormValues, supplier: Supplier): ReadForm {
  const breaks = filledRows(f, 'priceBreaks', ['minQuantity', 'unitCost']);
  return {
    input: {
      supplier: supplier.id, sku: val(f, 'sku'), supplierSku: val(f, 'supplierSku') || null,
      priceBreaks: breaks.map((i) => ({ minQuantity: num(f, `priceBreaks.${i}.minQuantity`, Number.NaN), unitCostMinor: minorOf(val(f, `priceBreaks.${i}.unitCost`), supplier.currency) })),
      moq: num(f, 'moq', undefined), packSize: num(f, 'packSize', undefined), leadTimeDays: num(f, 'leadTimeDays', null), preferred: checked(f, 'preferred'),
    },
    rows: { priceBreaks: breaks },
  };
}

export function readQuoteForm(f: FormValues, supplier: Supplier): ReadForm {
  return {
    input: {
      supplier: supplier.id, sku: val(f, 'sku'), quantity: num(f, 'quantity', Number.NaN),
      unitCostMinor: minorOf(val(f, 'unitCost'), supplier.currency), validFrom: val(f, 'validFrom') || undefined,
      validUntil: val(f, 'validUntil'), reference: val(f, 'reference') || null,
    },
    rows: {},
  };
}

/**
 * The PO form: one supplier, destination and expected date for every line. A line left without a
 * unit cost goes without one, and the verb prices it from the supplier item's break.
 */
export function readPurchaseOrderForm(f: FormValues, suppliers: Supplier[]): ReadForm {
  const lines = filledRows(f, 'lines', ['sku', 'quantity', 'unitCost']);
  const currency = suppliers.find((s) => s.code === val(f, 'supplier'))?.currency ?? 'USD';
  return {
    input: {
      supplier: val(f, 'supplier'), notes: val(f, 'notes') || null,
      lines: lines.map((i) => ({
        sku: val(f, `lines.${i}.sku`), quantity: num(f, `lines.${i}.quantity`, Number.NaN),
        unitCostMinor: val(f, `lines.${i}.unitCost`) === '' ? undefined : minorOf(val(f, `lines.${i}.unitCost`), currency),
        expectedDate: val(f, 'expectedDate') || undefined, warehouse: val(f, 'warehouse'),
      })),
    },
    rows: { lines },
  };
}

/** The form field a verb's error path points at: array indices back to form rows, minor units to the decimal field. */
export function fieldOf(path: string, rows: Record<string, number[]>): string {
  const parts = path.split('.');
  const row = parts[0] ? rows[parts[0]] : undefined;
  if (row && parts[1] !== undefined && /^\d+$/.test(parts[1])) parts[1] = String(row[Number(parts[1])] ?? parts[1]);
  const name = parts.join('.').replace(/unitCostMinor$/, 'unitCost');
  // The PO form asks for the destination and date once, for every line.
  return name.replace(/^lines\.\d+\.(warehouse|expectedDate)$/, '$1');
}

/** A message in the person's language for a field the verb refused, chosen by the field and what was typed. */
function messageFor(v: View, field: string, value: string, raw: string, currency?: string): string {
  const { t } = v.i18n;
  const last = field.split('.').pop() ?? field;
  // A PO line may leave its cost blank; refused, that means the supplier has no price break for it.
  if (value === '' && /^lines\.\d+\.unitCost$/.test(field)) return t('purchasingForms.error.noPrice');
  if (value === '' && ['code', 'name', 'sku', 'currency', 'warehouse', 'supplier', 'validUntil', 'quantity', 'minQuantity', 'unitCost'].includes(last)) return t('purchasingForms.error.required');
  switch (last) {
    case 'code': return t('purchasingForms.error.code');
    case 'currency': return t('purchasingForms.error.currency');
    case 'email': return t('purchasingForms.error.email');
    case 'quantity': case 'minQuantity': case 'moq': case 'packSize': case 'leadTimeDays': return t('purchasingForms.error.wholeNumber');
    case 'unitCost': return t('purchasingForms.error.money', { decimals: currencyExponent(currency ?? 'USD'), example: fromMinor(1250, currency ?? 'USD') });
    case 'sku': return t('purchasingForms.error.unknownSku', { sku: value });
    case 'expectedDate': case 'validFrom': return t('purchasingForms.error.date');
    case 'validUntil': return DateOnly.safeParse(value).success ? t('purchasingForms.error.untilBeforeFrom') : t('purchasingForms.error.date');
    case 'priceBreaks': return t('purchasingForms.error.priceBreaks');
    case 'lines': return t('purchasingForms.error.lines');
    default: return t('purchasingForms.error.invalid', { detail: raw });
  }
}

/**
 * The field messages for a refused form, or null when the error is not about the form's fields
 * (then the page shows it as a notice). Unknown products, suppliers and warehouses are field errors too.
 */
export function formErrors(v: View, err: AppError, values: FormValues, rows: Record<string, number[]>, opts: { currency?: string; skuField?: string } = {}): FieldErrors | null {
  const out: FieldErrors = {};
  if (err instanceof ValidationError) {
    for (const e of err.errors) {
      const field = fieldOf(e.path, rows);
      out[field] ??= messageFor(v, field, val(values, field), e.message, opts.currency);
    }
    return out;
  }
  const resource = err.status === 404 ? String(err.details?.resource ?? '') : '';
  const id = String(err.details?.id ?? '');
  if (resource === 'product') {
    // The PO verb checks products line by line; the first line with that SKU is the one to fix.
    const field = opts.skuField ?? Object.keys(values).find((k) => /^lines\.\d+\.sku$/.test(k) && val(values, k) === id) ?? 'sku';
    return { [field]: v.i18n.t('purchasingForms.error.unknownSku', { sku: id }) };
  }
  if (resource === 'supplier' || resource === 'warehouse') return { [resource]: v.i18n.t('purchasingForms.error.unknownChoice') };
  return null;
}

/** The first line of a form that the verb refused: every message is also next to its field. */
export const ErrorSummary: FC<{ v: View; errors?: FieldErrors }> = ({ v, errors }) =>
  errors && Object.keys(errors).length > 0 ? <p class="notice bad" role="alert">{v.i18n.t('purchasingForms.fixErrors', { count: Object.keys(errors).length })}</p> : null;

interface FieldProps {
  id: string;
  name: string;
  label: string;
  values: FormValues;
  errors?: FieldErrors;
  type?: string;
  required?: boolean;
  hint?: string;
  /** Extra input attributes (min, max, step, inputmode, pattern, list, autocomplete…). */
  attrs?: Record<string, string | number | boolean | undefined>;
}

/** One labelled input with its hint and, when refused, its message (both tied to the input for screen readers). */
export const Field: FC<FieldProps> = ({ id, name, label, values, errors = {}, type = 'text', required, hint, attrs = {} }) => {
  const err = errors[name];
  const described = [hint ? `${id}-hint` : '', err ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}{required ? ' *' : ''}</label>
      <input id={id} name={name} type={type} value={values[name] ?? ''} required={required} aria-invalid={err ? 'true' : undefined} aria-describedby={described} {...attrs} />
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {err && <p class="error" id={`${id}-err`} data-error-for={name}>{err}</p>}
    </div>
  );
};

/** A select with the same label / message wiring as Field. */
export const SelectField: FC<{ id: string; name: string; label: string; values: FormValues; errors?: FieldErrors; required?: boolean; options: Array<{ value: string; label: string }>; hint?: string }> = ({ id, name, label, values, errors = {}, required, options, hint }) => {
  const err = errors[name];
  const described = [hint ? `${id}-hint` : '', err ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}{required ? ' *' : ''}</label>
      <select id={id} name={name} required={required} aria-invalid={err ? 'true' : undefined} aria-describedby={described}>
        <option value=""></option>
        {options.map((o) => <option value={o.value} selected={values[name] === o.value}>{o.label}</option>)}
      </select>
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {err && <p class="error" id={`${id}-err`} data-error-for={name}>{err}</p>}
    </div>
  );
};

const GroupError: FC<{ id: string; name: string; errors?: FieldErrors }> = ({ id, name, errors = {} }) =>
  errors[name] ? <p class="error" id={id} data-error-for={name}>{errors[name]}</p> : null;

/** A supplier's stored values as form values (for the edit form). */
export function supplierValues(s: Supplier): FormValues {
  const out: FormValues = {
    code: s.code, name: s.name, currency: s.currency, paymentTerms: s.paymentTerms ?? '', leadTimeDays: String(s.leadTimeDays), active: s.active ? 'on' : '',
  };
  if (s.edi) for (const k of EDI_FIELDS) out[`edi.${k}`] = String(s.edi[k] ?? '');
  s.contacts.forEach((c, i) => Object.assign(out, {
    [`contacts.${i}.name`]: c.name, [`contacts.${i}.email`]: c.email ?? '', [`contacts.${i}.phone`]: c.phone ?? '', [`contacts.${i}.role`]: c.role ?? '',
  }));
  return out;
}

/** A supplier item's stored terms as form values (to replace them). */
export function supplierItemValues(i: SupplierItem): FormValues {
  const out: FormValues = {
    sku: i.sku, supplierSku: i.supplierSku ?? '', moq: String(i.moq), packSize: String(i.packSize),
    leadTimeDays: i.leadTimeDays === null ? '' : String(i.leadTimeDays), preferred: i.preferred ? 'on' : '',
  };
  i.priceBreaks.forEach((b, n) => Object.assign(out, { [`priceBreaks.${n}.minQuantity`]: String(b.minQuantity), [`priceBreaks.${n}.unitCost`]: fromMinor(b.unitCostMinor, i.currency) }));
  return out;
}

const rowCount = (values: FormValues, prefix: string, blank: number) =>
  Math.max(blank, filledRows(values, prefix, ['name', 'email', 'phone', 'role', 'minQuantity', 'unitCost', 'sku', 'quantity']).reduce((m, i) => Math.max(m, i + 2), 0));

/** The supplier form's fields; on edit the code and currency are shown, not changed (items and POs are priced in it). */
export const SupplierFields: FC<{ v: View; mode: 'create' | 'edit'; values: FormValues; errors?: FieldErrors }> = ({ v, mode, values, errors }) => {
  const { t } = v.i18n;
  const p = mode === 'create' ? 'ns' : 'es';
  return (
    <>
      <div class="form-grid">
        {mode === 'create' && <Field id={`${p}-code`} name="code" label={t('purchasing.col.code')} values={values} errors={errors} required hint={t('purchasingForms.supplier.codeHint')} attrs={{ maxlength: 64, autocomplete: 'off' }} />}
        <Field id={`${p}-name`} name="name" label={t('purchasing.col.name')} values={values} errors={errors} required attrs={{ maxlength: 200 }} />
        {mode === 'create' && <Field id={`${p}-currency`} name="currency" label={t('purchasing.field.currency')} values={values} errors={errors} required hint={t('purchasingForms.supplier.currencyHint')} attrs={{ maxlength: 3, autocomplete: 'off', placeholder: 'USD' }} />}
        <Field id={`${p}-terms`} name="paymentTerms" label={t('purchasing.field.paymentTerms')} values={values} errors={errors} hint={t('purchasingForms.supplier.termsHint')} attrs={{ maxlength: 200 }} />
        <Field id={`${p}-lead`} name="leadTimeDays" type="number" label={t('purchasing.col.leadTime')} values={values} errors={errors} hint={t('purchasingForms.supplier.leadHint')} attrs={{ min: 0, max: 365, step: 1, inputmode: 'numeric' }} />
      </div>
      {mode === 'edit' && (
        <>
          <p class="hint">{t('purchasingForms.supplier.currencyFixed', { currency: values.currency ?? '' })}</p>
          <div class="checks"><label><input type="checkbox" name="active" checked={checked(values, 'active')} /> {t('purchasingForms.supplier.active')}</label></div>
        </>
      )}
      <fieldset class="row-set" aria-describedby={`${p}-edi-hint`}>
        <legend>{t('purchasingForms.edi.legend')}</legend>
        <p class="hint" id={`${p}-edi-hint`}>{t('purchasingForms.edi.hint')}</p>
        <GroupError id={`${p}-edi-err`} name="edi" errors={errors} />
        <div class="form-grid">
          <Field id={`${p}-edi-sq`} name="edi.senderQualifier" label={t('purchasingForms.edi.senderQualifier')} values={values} errors={errors} attrs={{ maxlength: 2, autocomplete: 'off', placeholder: 'ZZ' }} />
          <Field id={`${p}-edi-sid`} name="edi.senderId" label={t('purchasingForms.edi.senderId')} values={values} errors={errors} attrs={{ maxlength: 15, autocomplete: 'off' }} />
          <Field id={`${p}-edi-rq`} name="edi.receiverQualifier" label={t('purchasingForms.edi.receiverQualifier')} values={values} errors={errors} attrs={{ maxlength: 2, autocomplete: 'off', placeholder: 'ZZ' }} />
          <Field id={`${p}-edi-rid`} name="edi.receiverId" label={t('purchasingForms.edi.receiverId')} values={values} errors={errors} attrs={{ maxlength: 15, autocomplete: 'off' }} />
          <SelectField id={`${p}-edi-usage`} name="edi.usage" label={t('purchasingForms.edi.usage')} values={values} errors={errors}
            options={[{ value: 'P', label: t('purchasingForms.edi.usageP') }, { value: 'T', label: t('purchasingForms.edi.usageT') }]} />
        </div>
      </fieldset>
      {Array.from({ length: rowCount(values, 'contacts', CONTACT_ROWS) }, (_, i) => (
        <fieldset class="row-set">
          <legend>{t('purchasingForms.contact.legend', { n: i + 1 })}</legend>
          <div class="form-grid">
            <Field id={`${p}-c${i}-name`} name={`contacts.${i}.name`} label={t('purchasingForms.contact.name')} values={values} errors={errors} attrs={{ maxlength: 200, autocomplete: 'off' }} />
            <Field id={`${p}-c${i}-email`} name={`contacts.${i}.email`} type="email" label={t('purchasingForms.contact.email')} values={values} errors={errors} attrs={{ maxlength: 320, autocomplete: 'off' }} />
            <Field id={`${p}-c${i}-phone`} name={`contacts.${i}.phone`} type="tel" label={t('purchasingForms.contact.phone')} values={values} errors={errors} attrs={{ maxlength: 50, autocomplete: 'off' }} />
            <Field id={`${p}-c${i}-role`} name={`contacts.${i}.role`} label={t('purchasingForms.contact.role')} values={values} errors={errors} attrs={{ maxlength: 100, autocomplete: 'off' }} />
          </div>
        </fieldset>
      ))}
    </>
  );
};

/** Add or replace the supplier's terms for a SKU: up to a few price breaks, MOQ, pack size, lead time. */
export const SupplierItemFields: FC<{ v: View; s: Supplier; values: FormValues; errors?: FieldErrors }> = ({ v, s, values, errors }) => {
  const { t } = v.i18n;
  return (
    <>
      <div class="form-grid">
        <Field id="si-sku" name="sku" label={t('field.sku')} values={values} errors={errors} required attrs={{ maxlength: 200, autocomplete: 'off' }} />
        <Field id="si-ssku" name="supplierSku" label={t('purchasing.col.supplierSku')} values={values} errors={errors} attrs={{ maxlength: 200, autocomplete: 'off' }} />
        <Field id="si-moq" name="moq" type="number" label={t('purchasing.col.moq')} values={values} errors={errors} attrs={{ min: 1, step: 1, inputmode: 'numeric', placeholder: '1' }} />
        <Field id="si-pack" name="packSize" type="number" label={t('purchasing.col.packSize')} values={values} errors={errors} attrs={{ min: 1, step: 1, inputmode: 'numeric', placeholder: '1' }} />
        <Field id="si-lead" name="leadTimeDays" type="number" label={t('purchasing.col.leadTime')} values={values} errors={errors} hint={t('purchasingForms.item.leadHint', { days: s.leadTimeDays })} attrs={{ min: 0, max: 365, step: 1, inputmode: 'numeric' }} />
      </div>
      <div class="checks"><label><input type="checkbox" name="preferred" checked={checked(values, 'preferred')} /> {t('purchasingForms.item.preferred')}</label></div>
      <fieldset class="row-set" aria-describedby="si-breaks-hint">
        <legend>{t('purchasing.col.priceBreaks')}</legend>
        <p class="hint" id="si-breaks-hint">{t('purchasingForms.item.breaksHint', { currency: s.currency })}</p>
        <GroupError id="si-breaks-err" name="priceBreaks" errors={errors} />
        {Array.from({ length: rowCount(values, 'priceBreaks', BREAK_ROWS) }, (_, i) => (
          <div class="form-grid">
            <Field id={`si-b${i}-min`} name={`priceBreaks.${i}.minQuantity`} type="number" label={t('purchasingForms.item.fromQuantity', { n: i + 1 })} values={values} errors={errors} attrs={{ min: 1, step: 1, inputmode: 'numeric' }} />
            <Field id={`si-b${i}-cost`} name={`priceBreaks.${i}.unitCost`} label={t('purchasingForms.item.unitCost', { n: i + 1, currency: s.currency })} values={values} errors={errors} attrs={{ inputmode: 'decimal', autocomplete: 'off' }} />
          </div>
        ))}
      </fieldset>
    </>
  );
};

/** An RFQ answer: price for a quantity, valid until a date. */
export const QuoteFields: FC<{ v: View; s: Supplier; values: FormValues; errors?: FieldErrors }> = ({ v, s, values, errors }) => {
  const { t } = v.i18n;
  return (
    <div class="form-grid">
      <Field id="q-sku" name="sku" label={t('field.sku')} values={values} errors={errors} required attrs={{ maxlength: 200, autocomplete: 'off' }} />
      <Field id="q-qty" name="quantity" type="number" label={t('purchasingForms.quote.quantity')} values={values} errors={errors} required attrs={{ min: 1, step: 1, inputmode: 'numeric' }} />
      <Field id="q-cost" name="unitCost" label={t('purchasingForms.unitCostIn', { currency: s.currency })} values={values} errors={errors} required attrs={{ inputmode: 'decimal', autocomplete: 'off' }} />
      <Field id="q-from" name="validFrom" type="date" label={t('purchasingForms.quote.validFrom')} values={values} errors={errors} hint={t('purchasingForms.quote.validFromHint')} />
      <Field id="q-until" name="validUntil" type="date" label={t('purchasing.col.validUntil')} values={values} errors={errors} required />
      <Field id="q-ref" name="reference" label={t('purchasingForms.quote.reference')} values={values} errors={errors} attrs={{ maxlength: 200, autocomplete: 'off' }} />
    </div>
  );
};

/** The new-PO form's fields: supplier, destination, expected date, notes and a few line rows. */
export const PurchaseOrderFields: FC<{ v: View; suppliers: Supplier[]; warehouses: Warehouse[]; skus: string[]; values: FormValues; errors?: FieldErrors }> = ({ v, suppliers, warehouses, skus, values, errors }) => {
  const { t } = v.i18n;
  const sup = suppliers.find((s) => s.code === values.supplier);
  return (
    <>
      <div class="form-grid">
        <SelectField id="po-supplier" name="supplier" label={t('purchasing.field.supplier')} values={values} errors={errors} required
          options={suppliers.map((s) => ({ value: s.code, label: `${s.name} (${s.code}, ${s.currency})` }))} />
        <SelectField id="po-warehouse" name="warehouse" label={t('purchasingForms.po.destination')} values={values} errors={errors} required
          options={warehouses.map((w) => ({ value: w.code, label: `${w.name} (${w.code})` }))} />
        <Field id="po-date" name="expectedDate" type="date" label={t('purchasing.col.expectedDate')} values={values} errors={errors} hint={t('purchasingForms.po.dateHint')} />
      </div>
      <div class="field">
        <label for="po-notes">{t('purchasingForms.po.notes')}</label>
        <textarea id="po-notes" name="notes" rows={2} maxlength={5000} style="width:100%;max-width:42rem">{values.notes ?? ''}</textarea>
      </div>
      {skus.length > 0 && <datalist id="po-skus">{skus.map((k) => <option value={k} />)}</datalist>}
      <fieldset class="row-set" aria-describedby="po-lines-hint">
        <legend>{t('purchasingForms.po.lines')}</legend>
        <p class="hint" id="po-lines-hint">{t('purchasingForms.po.linesHint', { currency: sup?.currency ?? '—' })}</p>
        <GroupError id="po-lines-err" name="lines" errors={errors} />
        {Array.from({ length: rowCount(values, 'lines', LINE_ROWS) }, (_, i) => (
          <div class="form-grid" data-line-row={i}>
            <Field id={`po-l${i}-sku`} name={`lines.${i}.sku`} label={t('purchasingForms.po.lineSku', { n: i + 1 })} values={values} errors={errors} attrs={{ maxlength: 200, autocomplete: 'off', list: skus.length > 0 ? 'po-skus' : undefined }} />
            <Field id={`po-l${i}-qty`} name={`lines.${i}.quantity`} type="number" label={t('purchasingForms.po.lineQuantity', { n: i + 1 })} values={values} errors={errors} attrs={{ min: 1, step: 1, inputmode: 'numeric' }} />
            <Field id={`po-l${i}-cost`} name={`lines.${i}.unitCost`} label={t('purchasingForms.po.lineCost', { n: i + 1 })} values={values} errors={errors} attrs={{ inputmode: 'decimal', autocomplete: 'off' }} />
          </div>
        ))}
      </fieldset>
    </>
  );
};
