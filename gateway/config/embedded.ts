/**
 * The embedded default config used when no config file is given: the key `demo` (chat + classify), every model
 * routed to the built-in demo upstream in both dialects, the `asl3` policy, and the demo review/admin tokens
 * `demo-reviewer`, `demo-admin` and `demo-admin-2`.
 */
import { hashKey } from "../keys/key-store.ts";

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
    // Demo review/admin tokens: the embedded default binds to localhost only, so a newcomer can try the console.
    review: {
      tokens: [
        { id: "demo-reviewer", sha256: hashKey("demo-reviewer"), role: "reviewer" },
        { id: "demo-admin", sha256: hashKey("demo-admin"), role: "admin" },
        { id: "demo-admin-2", sha256: hashKey("demo-admin-2"), role: "admin" },
      ],
    },
  };
}
