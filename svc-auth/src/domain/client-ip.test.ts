import { describe, expect, it } from "vitest";
import { clientIp, parseTrustedProxies } from "./client-ip.ts";

const trusted = parseTrustedProxies("127.0.0.0/8,::1/128,10.0.0.0/8,fc00::/7");

describe("parseTrustedProxies", () => {
  it("matches single addresses and subnets of both families", () => {
    const t = parseTrustedProxies("192.168.1.5, 10.0.0.0/8,fc00::/7");
    expect(t("192.168.1.5")).toBe(true);
    expect(t("192.168.1.6")).toBe(false);
    expect(t("10.200.3.4")).toBe(true);
    expect(t("fd12::1")).toBe(true);
    expect(t("2001:db8::1")).toBe(false);
    expect(t("not-an-ip")).toBe(false);
  });

  it("rejects entries that are not addresses", () => {
    expect(() => parseTrustedProxies("gateway")).toThrow(/TRUSTED_PROXIES/);
  });
});

describe("clientIp", () => {
  it("uses the socket when the peer is not a trusted proxy, whatever the header says", () => {
    expect(clientIp("203.0.113.9", "1.1.1.1", trusted)).toBe("203.0.113.9");
  });

  it("uses the socket when there is no X-Forwarded-For", () => {
    expect(clientIp("127.0.0.1", undefined, trusted)).toBe("127.0.0.1");
    expect(clientIp("::ffff:127.0.0.1", undefined, trusted)).toBe("127.0.0.1");
  });

  it("behind the gateway, takes the address the gateway saw", () => {
    expect(clientIp("127.0.0.1", "203.0.113.7", trusted)).toBe("203.0.113.7");
  });

  it("ignores addresses a client prepended to X-Forwarded-For", () => {
    expect(clientIp("127.0.0.1", "6.6.6.6, 203.0.113.7", trusted)).toBe("203.0.113.7");
    expect(clientIp("127.0.0.1", "garbage, 203.0.113.7", trusted)).toBe("203.0.113.7");
  });

  it("skips a chain of trusted proxies", () => {
    expect(clientIp("::1", "198.51.100.2, 10.1.1.1, 10.2.2.2", trusted)).toBe("198.51.100.2");
  });

  it("falls back to the last believable hop when every hop is ours", () => {
    expect(clientIp("127.0.0.1", "10.0.0.3, 10.0.0.4", trusted)).toBe("10.0.0.3");
    expect(clientIp("127.0.0.1", "junk", trusted)).toBe("127.0.0.1");
  });
});
