import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSecrets } from '../../src/connections/rotate-secrets';
import { SecretBox } from '../../src/connections/secret-box';
import { createTestHub, TEST_SECRET_KEY, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t.close());

describe('omnihub secrets rotate', () => {
  it('re-seals every stale secret under the new key, keeps them readable, and is idempotent', async () => {
    const c = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Rotating', config: { webhookSecret: 'rotate-me-please', pollIntervalSeconds: 0 } });
    const s = await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://erp.example.com/hook', events: ['*'], secret: 'subscriber-secret-0001' });
    const oldKey = Buffer.from(TEST_SECRET_KEY, 'base64');
    const newKey = randomBytes(32);
    const rotated = { ...t.hub.ctx, secrets: new SecretBox(newKey, [oldKey]) };
    expect(await rotateSecrets(rotated)).toEqual({ connections: 1, values: 1, subscriptions: 1 });
    expect(await rotateSecrets(rotated)).toEqual({ connections: 0, values: 0, subscriptions: 0 });
    // The new key alone opens everything now; the old key alone no longer does.
    const onlyNew = new SecretBox(newKey);
    const row = (await t.hub.ctx.db.execute(sql`select config from connections where id = ${c.body.id}`)).rows[0] as { config: { webhookSecret: { $enc: string } } };
    expect(onlyNew.open(row.config.webhookSecret)).toBe('rotate-me-please');
    expect(() => new SecretBox(oldKey).open(row.config.webhookSecret)).toThrow(/unknown key/);
    const sub = (await t.hub.ctx.db.execute(sql`select secret from webhook_subscriptions where id = ${s.body.id}`)).rows[0] as { secret: { $enc: string } };
    expect(onlyNew.open(sub.secret)).toBe('subscriber-secret-0001');
  });
});
