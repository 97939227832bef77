import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Rules for a ping or push client's `backchannel_client_notification_endpoint`
 * (CIBA §4: an https URL the OP POSTs to, §10.2, §10.3), kept apart from the
 * callback delivery so registration and delivery apply the same ones.
 *
 * An endpoint is an https URL with no credentials and no fragment, whose host
 * never resolves to a loopback, private, link-local or otherwise non-public
 * address (the OP must not be turned against its own network: SSRF). With
 * ALLOW_HTTP_LOOPBACK_CALLBACKS=true, plain-http loopback endpoints
 * (http://127.0.0.1, http://[::1], http://localhost) are admitted too, for
 * local development and tests.
 */

/** Hosts a plain-http endpoint may name (only with ALLOW_HTTP_LOOPBACK_CALLBACKS=true). */
const HTTP_LOOPBACK_HOSTS = ['127.0.0.1', '[::1]', 'localhost'];

/** At most this many characters, like any URL a client registers. */
export const NOTIFICATION_ENDPOINT_MAX_LENGTH = 2_000;

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Never a callback's destination: everything that is not a public unicast address. */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (private)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/**
 * Whether a callback may be sent to this resolved address: a public unicast
 * address, or a loopback address when `allowLoopback` (the switch) is on.
 */
export const isAllowedCallbackAddress = (address: string, options: { allowLoopback: boolean }): boolean => {
  const version = isIP(address);
  if (version === 0) return false;
  // BlockList matches an IPv4-mapped IPv6 address (::ffff:10.0.0.1, ::ffff:a00:1) against the IPv4 rules.
  const family = version === 6 ? 'ipv6' : 'ipv4';
  if (options.allowLoopback && LOOPBACK.check(address, family)) return true;

  return !NON_PUBLIC.check(address, family);
};

/** The host as the resolver takes it: IPv6 literals without their brackets. */
export const resolvableHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * What is wrong with an endpoint's form, whatever the environment: null when
 * it is an https URL (or an http loopback URL, which only the switch admits:
 * checkNotificationEndpoint) without credentials or fragment. A fragment
 * without a subject, for the doors to prefix with the field's name.
 */
export const notificationEndpointFormProblem = (value: string): string | null => {
  if (value.length > NOTIFICATION_ENDPOINT_MAX_LENGTH) {
    return `must be at most ${NOTIFICATION_ENDPOINT_MAX_LENGTH} characters`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an absolute https:// URL (got ${JSON.stringify(value.slice(0, 60))})`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an https:// URL (got ${url.protocol}//)`;
  if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@)';
  if (value.includes('#')) return 'must not contain a fragment (#…)';
  if (url.protocol === 'http:' && !HTTP_LOOPBACK_HOSTS.includes(url.hostname)) {
    return 'must be an https:// URL (plain http is only for http://127.0.0.1, http://[::1] or http://localhost with ALLOW_HTTP_LOOPBACK_CALLBACKS=true)';
  }

  return null;
};

export type ResolveHost = (host: string) => Promise<string[]>;

/** Every address the system resolver gives for a host (an IP literal resolves to itself). */
export const resolveHostAddresses: ResolveHost = async (host) => {
  if (isIP(host) !== 0) return [host];

  return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
};

/**
 * The addresses a callback to `url` may connect to, or why none: the form
 * (notificationEndpointFormProblem), plain http only with the switch, and
 * every address the host resolves to allowed (isAllowedCallbackAddress) —
 * one forbidden address refuses the endpoint, so a name with a private
 * address among public ones cannot slip through. Run at registration and
 * again before each delivery (the name may have been re-pointed since: DNS
 * rebinding); the delivery connects to an address returned here.
 */
export const checkNotificationEndpoint = async (
  value: string,
  options: { allowHttpLoopback: boolean; resolve?: ResolveHost },
): Promise<{ ok: true; url: URL; addresses: string[] } | { ok: false; problem: string }> => {
  const problem = notificationEndpointFormProblem(value);
  if (problem) return { ok: false, problem };
  const url = new URL(value);
  if (url.protocol === 'http:' && !options.allowHttpLoopback) {
    return {
      ok: false,
      problem: 'must be an https:// URL (plain-http loopback endpoints need ALLOW_HTTP_LOOPBACK_CALLBACKS=true)',
    };
  }
  const host = resolvableHost(url);
  let addresses: string[];
  try {
    addresses = await (options.resolve ?? resolveHostAddresses)(host);
  } catch {
    return { ok: false, problem: `must name a host that resolves (${host} does not)` };
  }
  if (addresses.length === 0) return { ok: false, problem: `must name a host that resolves (${host} does not)` };
  const forbidden = addresses.find((address) => !isAllowedCallbackAddress(address, { allowLoopback: options.allowHttpLoopback }));
  if (forbidden !== undefined) {
    return {
      ok: false,
      problem: `must not resolve to a loopback, private or link-local address (${host} resolves to ${forbidden})${
        !options.allowHttpLoopback && LOOPBACK.check(forbidden, isIP(forbidden) === 6 ? 'ipv6' : 'ipv4')
          ? '; loopback endpoints need ALLOW_HTTP_LOOPBACK_CALLBACKS=true'
          : ''
      }`,
    };
  }

  return { ok: true, url, addresses };
};
