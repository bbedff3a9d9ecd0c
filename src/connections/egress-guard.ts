import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ValidationError } from '../errors';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['::ffff:0:0', 96]] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** True when the address is loopback, private, link-local or otherwise not on the public internet. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) return blocked.check(ip, 'ipv6');
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
