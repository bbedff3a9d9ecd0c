import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1';

/** An encrypted value as stored in JSON: `{ "$enc": "enc:v1:<keyId>:<iv>:<tag>:<ciphertext>" }`. */
export interface Sealed {
  $enc: string;
}

export function isSealed(v: unknown): v is Sealed {
  return typeof v === 'object' && v !== null && typeof (v as Sealed).$enc === 'string';
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Parses a 32-byte key given as base64 or 64 hex characters. */
export function parseKey(text: string): Buffer {
  const t = text.trim();
  const buf = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length !== 32) throw new Error('OMNIHUB_SECRET_KEY must be 32 bytes, base64 or hex encoded');
  return buf;
}

/**
 * AES-256-GCM for secrets at rest. Values name the key that sealed them, so after a rotation the
 * previous key still opens old values while new ones use the current key.
 */
export class SecretBox {
  private readonly current: Buffer;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: Buffer[] = []) {
    this.current = current;
    for (const k of [current, ...previous]) this.keys.set(keyId(k), k);
  }

  get currentKeyId(): string {
    return keyId(this.current);
  }

  seal(plain: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return { $enc: [PREFIX, keyId(this.current), iv.toString('base64'), tag.toString('base64'), ct.toString('base64')].join(':') };
  }

  open(sealed: Sealed): string {
    const parts = sealed.$enc.split(':');
    if (parts.length !== 6 || `${parts[0]}:${parts[1]}` !== PREFIX) throw new Error('unknown secret envelope');
    const [, , kid, iv, tag, ct] = parts as [string, string, string, string, string, string];
    const key = this.keys.get(kid);
    if (!key) throw new Error(`secret sealed with unknown key ${kid}; set OMNIHUB_SECRET_KEY_PREVIOUS`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  isStale(sealed: Sealed): boolean {
    return sealed.$enc.split(':')[2] !== this.currentKeyId;
  }
}
