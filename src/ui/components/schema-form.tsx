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

/**
 * Form fields generated from a connector's config schema. Secret fields are write-only: never
 * filled in; on edit they say whether a value is stored and are kept when left blank.
 */
export const SchemaFields: FC<{
  v: View;
  schema: JsonSchemaObject;
  secretFields: readonly string[];
  values?: Record<string, unknown>;
  secretsSet?: readonly string[];
  errors?: Record<string, string>;
}> = ({ v, schema, secretFields, values = {}, secretsSet = [], errors = {} }) => {
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
              {secret
                ? secretsSet.includes(name) ? t('connections.secretReplaceHint') : t('connections.secretHint')
                : p.description ?? (p.default !== undefined ? t('connections.defaultHint', { value: String(p.default) }) : '')}
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
    if (type === 'integer' || type === 'number') {
      const n = Number(raw);
      out[name] = Number.isFinite(n) ? n : raw;
    } else out[name] = raw;
  }
  return out;
}
