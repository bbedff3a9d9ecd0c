import { signSandboxBody } from '../../connectors/sandbox/index';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import { createApp } from '../../src/api/app';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { mountUi } from '../../src/ui/mount';
import { createTestHub, type TestHub, type TestHubOptions } from '../helpers/hub';

export const ORIGIN = 'http://localhost';

export interface UiHub extends TestHub {
  ui: ReturnType<typeof createApp>;
  /** A browser-like request to the UI app: absolute URL, same-origin Origin header on writes, the given cookies. */
  page(method: string, path: string, opts?: { cookie?: string; form?: Record<string, string | string[]>; headers?: Record<string, string> }): Promise<Response>;
  login(key?: string): Promise<{ cookie: string; csrf: string }>;
}

/** A test hub with the UI mounted, as `omnihub start` does. */
export async function createUiHub(opts: TestHubOptions = {}): Promise<UiHub> {
  const t = await createTestHub(opts);
  const ui = createApp(t.hub.ctx, { extend: mountUi });
  const page: UiHub['page'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.cookie ? { cookie: o.cookie } : {}), ...o.headers };
    let body: string | undefined;
    if (o.form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(o.form)) for (const x of ([] as string[]).concat(v)) p.append(k, x);
      body = p.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    if (method !== 'GET' && method !== 'HEAD') headers.origin ??= ORIGIN;
    return ui.request(`${ORIGIN}${path}`, { method, headers, body, redirect: 'manual' });
  };
  return Object.assign(t, {
    ui,
    page,
    async login(key = t.adminKey) {
      const get = await page('GET', '/login');
      const pre = cookiesOf(get);
      const token = /name="_csrf" value="([^"]+)"/.exec(await get.text())?.[1] ?? '';
      const res = await page('POST', '/login', { cookie: pre, form: { _csrf: token, key, next: '/' } });
      if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
      const cookie = cookiesOf(res).split('; ').filter((c) => c.startsWith('omnihub_session=')).join('; ');
      const home = await page('GET', '/', { cookie });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await home.text())?.[1] ?? '';
      return { cookie, csrf };
    },
  });
}

/** The cookies a response sets, as a Cookie header (name=value pairs; deletions dropped). */
export function cookiesOf(res: Response): string {
  return res.headers.getSetCookie()
    .map((c) => c.split(';')[0]!)
    .filter((c) => !/=$/.test(c))
    .join('; ');
}

/** Creates a sandbox connection and delivers signed webhook orders into it, drained at once. */
export async function seedSandboxOrders(t: TestHub, opts: { seed: string; count: number; overrides?: (i: number) => Record<string, unknown> }) {
  const secret = 'ui-test-webhook-secret';
  const res = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: `Shop ${opts.seed}`, config: { webhookSecret: secret, pollIntervalSeconds: 0, seed: opts.seed } });
  const connectionId = res.body.id as string;
  for (let i = 0; i < opts.count; i++) {
    const order = { ...sandboxOrder(opts.seed, i, 0, Date.now() - 3600_000), ...(opts.overrides?.(i) ?? {}) };
    const body = JSON.stringify(order);
    const r = await t.app.request(`/webhooks/${connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(secret, body), 'x-sandbox-delivery-id': `${opts.seed}-${i}`, 'x-sandbox-topic': 'order.created' },
      body,
    });
    if (r.status >= 300) throw new Error(`webhook ${r.status}`);
  }
  await t.hub.ctx.rawEvents.drain();
  await drainRawEvents(t.hub.ctx);
  return { connectionId, secret };
}
