/**
 * The embedded default config used when no config file is given: the key `demo` (chat + classify), every model
 * routed to the built-in demo upstream in both dialects, the `asl3` policy, and the demo review/admin tokens
 * `demo-reviewer`, `demo-admin` and `demo-admin-2`. Because those are public, it refuses a non-loopback host
 * unless asked for one explicitly (`demoBindRefusal`).
 */
import { isIPv4, isIPv6 } from "node:net";
import { hashKey } from "../contracts/key-hash.ts";

/** Raw config (validated like a file) for a demo upstream at `demoUrl`. */
export function embeddedConfig(demoUrl: string): Record<string, unknown> {
  return {
    upstreams: {
      "demo-openai": { baseUrl: demoUrl, dialect: "openai" },
      "demo-anthropic": { baseUrl: demoUrl, dialect: "anthropic" },
    },
    routes: [
      { match: "*", upstream: "demo-openai", asl: 3 },
      { match: "*", upstream: "demo-anthropic", asl: 3 },
    ],
    keys: [
      {
        id: "demo",
        sha256: hashKey("demo"),
        tenant: "demo",
        policy: "default",
        scopes: ["chat", "classify"],
      },
    ],
    policies: { default: { preset: "asl3", version: "embedded-1" } },
    // Demo review/admin tokens: the embedded default binds to loopback only (`demoBindRefusal`), so a newcomer can
    // try the console without exposing them.
    review: {
      tokens: [
        { id: "demo-reviewer", sha256: hashKey("demo-reviewer"), role: "reviewer" },
        { id: "demo-admin", sha256: hashKey("demo-admin"), role: "admin" },
        { id: "demo-admin-2", sha256: hashKey("demo-admin-2"), role: "admin" },
      ],
    },
  };
}

/** True when only this machine can reach `host`: `localhost`, 127.0.0.0/8, `::1` (also written out or v4-mapped). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost") return true;
  if (isIPv4(h)) return h.startsWith("127.");
  if (!isIPv6(h)) return false;
  // The URL parser canonicalises IPv6 (0:0:0:0:0:0:0:1 -> ::1, ::ffff:127.0.0.1 -> ::ffff:7f00:1).
  const canonical = new URL(`http://[${h}]/`).hostname.slice(1, -1);
  return canonical === "::1" || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
}

/**
 * Why the embedded default must not start on `host`, or undefined when it may. Its credentials are public (key
 * `demo`, tokens `demo-reviewer`, `demo-admin`, `demo-admin-2`), so it listens on loopback only unless the
 * operator explicitly asks for a public bind (`PORTCULLIS_DEMO_PUBLIC=1`, read by `gateway/main.ts`).
 */
export function demoBindRefusal(host: string, allowPublic: boolean): string | undefined {
  if (allowPublic || isLoopbackHost(host)) return undefined;
  return (
    `refusing to serve the embedded demo config on non-loopback host "${host}": its API key "demo" and ` +
    `review/admin tokens "demo-reviewer", "demo-admin", "demo-admin-2" are public, so anyone who can reach ` +
    `this address could use them. Give a config file (PORTCULLIS_CONFIG or --config), listen on loopback ` +
    `(HOST=127.0.0.1), or set PORTCULLIS_DEMO_PUBLIC=1 to expose the demo anyway.`
  );
}
