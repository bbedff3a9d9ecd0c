import type { FC } from 'hono/jsx';
import type { View } from '../env';

/** The subset of JSON Schema that connector configs use (z.toJSONSchema output). */
export interface JsonSchemaProp {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  description?: string;
  /** For lists: the items' schema (lists of strings and numbers are edited as comma-separated text). */
  items?: JsonSchemaProp;
}
export interface JsonSchemaObject {
  properties?: Record<string, JsonSchemaProp>;
  required?: string[];
}

const propType = (p: JsonSchemaProp) => (Array.isArray(p.type) ? p.type.find((x) => x !== 'null') : p.type) ?? 'string';

/** "pollIntervalSeconds" → "Poll interval seconds", for fields the catalogues do not name. */
export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fieldLabel(v: View, name: string): string {
  const label = v.i18n.tEnum('connectorField', name);
  return label === name ? humanize(name) : label;
}

/** What to put in a field, from the catalogue: the connector's own hint for it, else the field's, else none. */
export function fieldHint(v: View, connectorType: string | undefined, name: string): string | undefined {
  if (connectorType) {
    const own = v.i18n.tEnum('connectorHint', `${connectorType}.${name}`);
    if (own !== `${connectorType}.${name}`) return own;
  }
  const any = v.i18n.tEnum('connectorHint', name);
  return any === name ? undefined : any;
}

/**
 * Form fields generated from a connector's config schema. Secret fields are write-only: never
 * filled in; on edit they say whether a value is stored and are kept when left blank.
 */
export const SchemaFields: FC<{
  v: View;
  /** The connector's type, for its own field hints. */
  connectorType?: string;
  schema: JsonSchemaObject;
  secretFields: readonly string[];
  values?: Record<string, unknown>;
  secretsSet?: readonly string[];
  errors?: Record<string, string>;
}> = ({ v, connectorType, schema, secretFields, values = {}, secretsSet = [], errors = {} }) => {
  const { t } = v.i18n;
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, p]) => {
        const id = `cfg-${name}`;
        const type = propType(p);
        const secret = secretFields.includes(name);
        const err = errors[name];
        const value = values[name] ?? p.default;
        const hintId = `${id}-hint`;
        const common = { id, name: `cfg.${name}`, 'aria-invalid': err ? 'true' : undefined, 'aria-describedby': hintId };
        let input;
        if (secret) {
          const isSet = secretsSet.includes(name);
          input = <input {...common} type="password" autocomplete="new-password" required={required.has(name) && !isSet} placeholder={isSet ? t('connections.secretSet') : ''} />;
        } else if (p.enum) {
          input = (
            <select {...common}>
              {!required.has(name) && <option value=""></option>}
              {p.enum.map((o) => <option value={String(o)} selected={String(o) === String(value ?? '')}>{String(o)}</option>)}
            </select>
          );
        } else if (type === 'boolean') {
          input = <input {...common} type="checkbox" checked={value === true} />;
        } else if (type === 'object') {
          // A nested object (a distributor's CSV column mapping) is edited as JSON.
          const json = value === undefined || value === null ? '' : JSON.stringify(value, null, 2);
          input = <textarea {...common} rows={6} spellcheck={false} class="mono">{json}</textarea>;
        } else if (type === 'array') {
          const list = Array.isArray(value) ? value.map(String).join(', ') : value === undefined || value === null ? '' : String(value);
          input = <input {...common} type="text" value={list} required={required.has(name)} autocomplete="off" />;
        } else if (type === 'integer' || type === 'number') {
          input = <input {...common} type="number" inputmode="numeric" step={type === 'integer' ? 1 : 'any'} min={p.minimum} max={p.maximum} value={value === undefined ? '' : String(value)} required={required.has(name)} />;
        } else {
          input = <input {...common} type={p.format === 'uri' ? 'url' : 'text'} maxlength={p.maxLength} value={value === undefined || value === null ? '' : String(value)} required={required.has(name)} autocomplete="off" />;
        }
        return (
          <div class="field">
            <label for={id}>{fieldLabel(v, name)}{required.has(name) ? ' *' : ''}</label>
            {input}
            <p class="hint" id={hintId}>
              {[
                fieldHint(v, connectorType, name) ?? p.description,
                type === 'array' ? t('connections.listHint') : type === 'object' ? t('connections.jsonHint') : undefined,
                secret ? (secretsSet.includes(name) ? t('connections.secretReplaceHint') : t('connections.secretHint'))
                  : p.default !== undefined ? t('connections.defaultHint', { value: Array.isArray(p.default) ? p.default.join(', ') : String(p.default) }) : undefined,
              ].filter(Boolean).join(' ')}
            </p>
            {err && <p class="error" role="alert">{err}</p>}
          </div>
        );
      })}
    </>
  );
};

/**
 * Turns the submitted form back into a config object with the schema's types. Blank fields are left
 * out, so defaults apply on create and stored values (secrets included) stay on edit.
 */
export function readSchemaForm(schema: JsonSchemaObject, form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(schema.properties ?? {})) {
    const raw = form[`cfg.${name}`];
    const type = propType(p);
    if (type === 'boolean') {
      out[name] = raw === 'on' || raw === 'true';
      continue;
    }
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    if (type === 'object') {
      // Malformed JSON stays text, so the schema refuses the field by name ("expected object").
      try {
        out[name] = JSON.parse(raw);
      } catch {
        out[name] = raw;
      }
      continue;
    }
    if (type === 'array') {
      // "A1, B2" or one per line → ['A1', 'B2']; numbers when the items are numbers (a bad one stays text for the schema to name).
      const itemType = p.items ? propType(p.items) : 'string';
      out[name] = raw.split(/[\s,;]+/).filter(Boolean).map((x) => (itemType === 'integer' || itemType === 'number') && Number.isFinite(Number(x)) ? Number(x) : x);
      continue;
    }
    if (type === 'integer' || type === 'number') {
      const n = Number(raw);
      out[name] = Number.isFinite(n) ? n : raw;
    } else out[name] = raw;
  }
  return out;
}
