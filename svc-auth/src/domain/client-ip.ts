import { BlockList, isIP } from "node:net";

/** Tells whether a peer is one of our own proxies (the gateway), from IPs and CIDRs. */
export type ProxyTrust = (ip: string) => boolean;

/** Parses `TRUSTED_PROXIES`: comma-separated IPs or CIDRs (`10.0.0.0/8`, `::1/128`). */
export function parseTrustedProxies(list: string): ProxyTrust {
  const trusted = new BlockList();
  for (const raw of list.split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address = "", bits] = entry.split("/");
    const family = isIP(address);
    if (family === 0) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP or CIDR`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(bits), type);
  }
  return (ip) => {
    const family = isIP(ip);
    return family !== 0 && trusted.check(ip, family === 4 ? "ipv4" : "ipv6");
  };
}

/** `::ffff:1.2.3.4` (IPv4 seen through an IPv6 socket) is the IPv4 address. */
function normalize(ip: string): string {
  const trimmed = ip.trim();
  return trimmed.toLowerCase().startsWith("::ffff:") && isIP(trimmed.slice(7)) === 4
    ? trimmed.slice(7)
    : trimmed;
}

/**
 * The address a request came from, for per-IP throttling. Only hops added by trusted
 * proxies are believed: walking X-Forwarded-For from the right (nearest proxy first),
 * the first address that is not one of ours is the client. The leftmost entries are
 * whatever the client sent (nginx appends to them), so taking the first hop blindly
 * would let anyone pick a fresh IP per attempt.
 */
export function clientIp(
  socketIp: string | undefined,
  forwardedFor: string | undefined,
  isTrusted: ProxyTrust,
): string {
  const peer = normalize(socketIp ?? "unknown");
  if (!forwardedFor || !isTrusted(peer)) return peer;
  const hops = forwardedFor.split(",").map(normalize).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) break; // garbage can only come from the client side: stop there
    client = hop;
    if (!isTrusted(hop)) break;
  }
  return client;
}
