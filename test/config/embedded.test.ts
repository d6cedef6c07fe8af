/**
 * The embedded default's public credentials stay on loopback (issue 10, item 10): a non-loopback host is refused
 * unless the operator explicitly asks for it.
 */
import { describe, expect, it } from "vitest";
import { demoBindRefusal, isLoopbackHost } from "../../config/embedded.ts";

describe("isLoopbackHost", () => {
  it.each([
    "127.0.0.1",
    "127.1.2.3",
    "localhost",
    "LOCALHOST",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1",
  ])("%s is loopback", (host) => expect(isLoopbackHost(host)).toBe(true));

  it.each([
    "0.0.0.0",
    "::",
    "",
    "10.0.0.5",
    "192.168.1.10",
    "::ffff:10.0.0.1",
    "example.com",
    "localhost.evil.com",
    "128.0.0.1",
  ])("%j is not loopback", (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe("demoBindRefusal", () => {
  it("refuses a public host with a message naming the host, the credentials and the way out", () => {
    const message = demoBindRefusal("0.0.0.0", false);
    expect(message).toContain('"0.0.0.0"');
    expect(message).toContain("demo-admin");
    expect(message).toContain("PORTCULLIS_DEMO_PUBLIC=1");
    expect(message).toContain("PORTCULLIS_CONFIG");
  });

  it("allows loopback, and a public host only when explicitly asked", () => {
    expect(demoBindRefusal("127.0.0.1", false)).toBeUndefined();
    expect(demoBindRefusal("::1", false)).toBeUndefined();
    expect(demoBindRefusal("0.0.0.0", true)).toBeUndefined();
  });
});
