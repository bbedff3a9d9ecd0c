import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../connectors/kit/http';
import { MemoryRateGovernor } from '../../connectors/kit/rate-governor';
import { RemoteError } from '../errors';
import { assertEgressAllowed, egressLookup, egressRefusal, isPrivateAddress, setEgressResolverForTests, viaEgress, type Resolve } from './egress-guard';

/** A resolver answering each name from the table (a name missing from it does not resolve). */
const table = (answers: Record<string, string>): Resolve => (host, _o, cb) => {
  const ip = answers[host];
  if (!ip) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
  cb(null, [{ address: ip, family: ip.includes(':') ? 6 : 4 }]);
};

const lookupOnce = (allow: string[], resolve: Resolve, host: string, all: boolean) =>
  new Promise<{ err: NodeJS.ErrnoException | null; rest: unknown[] }>((done) =>
    egressLookup(allow, resolve)(host, { all }, (err: unknown, ...rest: unknown[]) => done({ err: err as NodeJS.ErrnoException | null, rest })));

describe('which addresses are private', () => {
  it('lets public IPv4 and IPv6 addresses out, and keeps private ones in, IPv4-mapped forms included', async () => {
    const publicOnes = ['8.8.8.8', '23.227.38.65', '203.0.113.7', '::ffff:8.8.8.8', '::ffff:808:808', '2606:4700::1111'];
    const privateOnes = ['10.1.2.3', '127.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
      '::1', '::', 'fe80::1', 'fd00::1', '::ffff:10.1.2.3', '::ffff:a01:203', '::ffff:7f00:1', '::ffff:169.254.169.254'];
    expect(publicOnes.filter(isPrivateAddress)).toEqual([]);
    expect(privateOnes.filter((ip) => !isPrivateAddress(ip))).toEqual([]);
    // A shop on a public address is accepted (before, every IPv4 address was refused as private).
    await expect(assertEgressAllowed('https://23.227.38.65/admin', 'config.shopDomain', [])).resolves.toBeUndefined();
    await expect(assertEgressAllowed('http://[::ffff:7f00:1]:8080/', 'config.baseUrl', [])).rejects.toMatchObject({
      errors: [{ path: 'config.baseUrl', message: expect.stringContaining('loopback, private or link-local') }],
    });
  });
});

describe('egress at connect time (DNS rebinding)', () => {
  it('refuses a name that resolves to a private address when the socket dials, unless allowed', async () => {
    const dns = table({ 'shop.example': '203.0.113.7', 'rebind.example': '10.0.0.5', 'v6.example': '::1' });
    expect((await lookupOnce([], dns, 'shop.example', true)).rest).toEqual([[{ address: '203.0.113.7', family: 4 }]]);
    expect((await lookupOnce([], dns, 'shop.example', false)).rest).toEqual(['203.0.113.7', 4]);
    for (const host of ['rebind.example', 'v6.example']) {
      const { err } = await lookupOnce([], dns, host, true);
      expect(err?.code).toBe('EGRESS_REFUSED');
      expect(err?.message).toContain('OMNIHUB_ALLOWED_PRIVATE_HOSTS');
    }
    expect((await lookupOnce(['10.0.0.0/8'], dns, 'rebind.example', true)).err).toBeNull();
    expect((await lookupOnce(['rebind.example'], dns, 'rebind.example', true)).err).toBeNull();
    expect((await lookupOnce([], dns, 'nowhere.example', true)).err?.code).toBe('ENOTFOUND');
  });

  describe('through real sockets', () => {
    let server: Server;
    let port = 0;
    let hits = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => { hits++; res.setHeader('content-type', 'application/json'); res.end('{"inside":true}'); });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterEach(() => setEgressResolverForTests());
    afterAll(async () => new Promise<void>((r) => server.close(() => r())));

    it('stops fetch before it reaches the hub\'s own network, and lets an allowed host through', async () => {
      // "localhost" dialled without the URL check first (as after a rebinding): the dispatcher refuses it.
      const err = await fetch(`http://localhost:${port}/`, viaEgress([])).catch((e) => e);
      expect(egressRefusal(err)).toMatch(/^localhost resolved to (127\.0\.0\.1|::1), a loopback/);
      expect(hits).toBe(0);
      const ok = await fetch(`http://localhost:${port}/`, viaEgress(['localhost']));
      expect(await ok.json()).toEqual({ inside: true });
      expect(hits).toBe(1);
    });

    it('a connector whose host turns private after the URL check gets a permanent refusal naming the field', async () => {
      hits = 0;
      // The URL check finds no address (no record yet: allowed, "may resolve tomorrow"); by the time the
      // socket dials, the name points into the private network.
      setEgressResolverForTests(table({ 'rebind.example': '127.0.0.1' }));
      const client = (allowedPrivateHosts: string[]) => new HttpClient({
        baseUrl: `http://rebind.example:${port}`, baseUrlField: 'config.baseUrl', allowedPrivateHosts, rateKey: `rebind:${allowedPrivateHosts.join()}`,
        bucket: { capacity: 10, refillPerSecond: 10 }, governor: new MemoryRateGovernor(), label: 'rebind', minBackoffMs: 5, maxBackoffMs: 10, retries: 3,
      });
      const err = await client([]).request({ path: '/orders' }).catch((e) => e);
      expect(err).toBeInstanceOf(RemoteError);
      expect(err.retryable).toBe(false);
      expect(err.message).toBe('rebind: config.baseUrl refused: rebind.example resolved to 127.0.0.1, a loopback, private or link-local address; list it in OMNIHUB_ALLOWED_PRIVATE_HOSTS to allow it');
      expect(hits).toBe(0);
      // Allowed by the operator, the same address is reached: the dispatcher, not the URL check, dialled it.
      const res = await client(['127.0.0.1']).request({ path: '/orders' });
      expect(res.json()).toEqual({ inside: true });
      expect(hits).toBe(1);
    });
  });
});
