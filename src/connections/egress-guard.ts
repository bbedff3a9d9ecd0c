import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Agent } from 'undici';
import { ValidationError } from '../errors';

// Two lists: a BlockList checks an IPv4 address against its IPv6 rules as ::ffff:a.b.c.d, so one list
// holding ::ffff:0:0/96 refused every IPv4 address, public ones included.
const blocked4 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked4.addSubnet(net, bits, 'ipv4');
const blocked6 = new BlockList();
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) blocked6.addSubnet(net, bits, 'ipv6');
const mapped6 = new BlockList();
mapped6.addSubnet('::ffff:0:0', 96, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, `::ffff:a00:1`), else null. */
function mappedIPv4(ip: string): string | null {
  if (!mapped6.check(ip, 'ipv6')) return null;
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  if (dotted) return dotted[1]!;
  const groups = new URL(`http://[${ip}]`).hostname.slice(1, -1).split(':');
  const hi = parseInt(groups.at(-2) ?? '0', 16);
  const lo = parseInt(groups.at(-1) ?? '0', 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True when the address is loopback, private, link-local or otherwise not on the public internet. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked4.check(ip, 'ipv4');
  if (family === 6) {
    const v4 = mappedIPv4(ip);
    return v4 ? blocked4.check(v4, 'ipv4') : blocked6.check(ip, 'ipv6');
  }
  return true;
}

function allowedBy(host: string, ips: string[], allowList: string[]): boolean {
  const list = new BlockList();
  const names = new Set<string>();
  for (const entry of allowList) {
    const [net, bits] = entry.split('/');
    if (net && bits && isIP(net)) list.addSubnet(net, Number(bits), isIP(net) === 6 ? 'ipv6' : 'ipv4');
    else if (net && isIP(net)) list.addAddress(net, isIP(net) === 6 ? 'ipv6' : 'ipv4');
    else names.add(entry.toLowerCase());
  }
  if (names.has(host.toLowerCase())) return true;
  return ips.length > 0 && ips.every((ip) => list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4'));
}

/**
 * Refuses a base URL that resolves to a loopback, private or link-local address unless its host (or
 * a CIDR containing it) is in OMNIHUB_ALLOWED_PRIVATE_HOSTS, so the hub cannot be aimed at the
 * network it runs in. `field` names the config field in the error.
 */
export async function assertEgressAllowed(url: string, field: string, allowList: string[]): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError([{ path: field, message: 'not a valid URL' }]);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ValidationError([{ path: field, message: 'only http and https URLs are allowed' }]);
  }
  if (parsed.username || parsed.password) {
    throw new ValidationError([{ path: field, message: 'credentials in the URL are not allowed; use the config fields' }]);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let ips: string[];
  if (isIP(host)) ips = [host];
  else {
    try {
      ips = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      // Unresolvable today may resolve tomorrow; the HTTP client checks again before each call.
      ips = [];
    }
  }
  const isPrivate = host.toLowerCase() === 'localhost' || ips.some(isPrivateAddress);
  if (isPrivate && !allowedBy(host, ips, allowList)) {
    throw new ValidationError([
      { path: field, message: `${host} is a loopback, private or link-local address; list it in OMNIHUB_ALLOWED_PRIVATE_HOSTS to allow it` },
    ]);
  }
}

/** A resolver with dns.lookup's `{ all: true }` shape (injectable in tests). */
export type Resolve = (host: string, options: LookupAllOptions, cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A `lookup` for outbound sockets that refuses, at connect time, a host resolving to a loopback,
 * private or link-local address (unless allowed). assertEgressAllowed checks a URL when it is saved and
 * before calls, but the socket resolves the name again: a DNS answer that changes in between (DNS
 * rebinding) would otherwise reach the hub's own network. This check is on the address actually dialled.
 */
export function egressLookup(allowList: string[], resolve: Resolve = (h, o, cb) => resolver(h, o, cb)) {
  return (host: string, options: { all?: boolean; family?: number | string; hints?: number }, cb: (...args: unknown[]) => void): void => {
    resolve(host, { ...options, family: options.family as LookupAllOptions['family'], all: true }, (err, addresses) => {
      if (err) return cb(err);
      const refused = (addresses ?? []).filter((a) => isPrivateAddress(a.address) && !allowedBy(host, [a.address], allowList));
      if (refused.length > 0) {
        const e = Object.assign(
          new Error(`${host} resolved to ${refused[0]!.address}, a loopback, private or link-local address; list it in OMNIHUB_ALLOWED_PRIVATE_HOSTS to allow it`),
          { code: 'EGRESS_REFUSED' },
        );
        return cb(e);
      }
      if (options.all) return cb(null, addresses);
      const first = addresses[0];
      if (!first) return cb(Object.assign(new Error(`${host} did not resolve`), { code: 'ENOTFOUND' }));
      cb(null, first.address, first.family);
    });
  };
}

const dispatchers = new Map<string, Agent>();
let resolver: Resolve = dnsLookup as unknown as Resolve;

/** Tests only: answer the dispatchers' lookups with `r` (a DNS answer that changes), or the system's again. */
export function setEgressResolverForTests(r?: Resolve): void {
  resolver = r ?? (dnsLookup as unknown as Resolve);
  for (const a of dispatchers.values()) void a.close();
  dispatchers.clear();
}

/**
 * The dispatcher every outbound call passes to `fetch`: its sockets dial only addresses the egress rule
 * allows (see egressLookup). One per allow list, kept for the process (it holds the keep-alive pool).
 */
export function egressDispatcher(allowList: string[]): Agent {
  const key = allowList.join(',');
  let agent = dispatchers.get(key);
  if (!agent) {
    agent = new Agent({ connect: { lookup: egressLookup(allowList) as never } });
    dispatchers.set(key, agent);
  }
  return agent;
}

/** `fetch` init for an outbound call through the egress dispatcher (the type bridges undici's package and Node's bundled copy). */
export function viaEgress(allowList: string[]): { dispatcher?: never } {
  return { dispatcher: egressDispatcher(allowList) as never };
}

/** The refusal of an address at connect time, found in a fetch error's causes. */
export function egressRefusal(err: unknown): string | null {
  for (let e = err as { code?: unknown; cause?: unknown; message?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (e.code === 'EGRESS_REFUSED') return String(e.message);
  }
  return null;
}
