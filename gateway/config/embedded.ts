/**
 * The embedded default config used when no config file is given: the key `demo` (chat + classify), every model
 * routed to the built-in demo upstream in both dialects, and the `asl3` policy.
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
    keys: [{ id: "demo", sha256: hashKey("demo"), tenant: "demo", policy: "default", scopes: ["chat", "classify"] }],
    policies: { default: { preset: "asl3", version: "embedded-1" } },
  };
}
