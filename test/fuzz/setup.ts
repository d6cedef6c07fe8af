/**
 * The gateway the fuzzer runs against: both dialects in front of one scripted upstream, small body and upstream
 * limits (so oversized cases cost kilobytes, not megabytes), short upstream timeouts (so stalls cost about a
 * second), keys for each policy the stream path has (hold-back, release-then-check, no completion stage), and
 * enforcement out of the way (thousands of requests, some harmful, must not throttle the keys).
 */
import { hashKey } from "../../contracts/key-hash.ts";

/** The limits the oracle reasons with; they are written into the gateway's config. */
export const LIMITS = {
  /** `server.modelBodyLimitBytes`: chat, responses, messages, count_tokens. */
  modelBodyBytes: 64 * 1024,
  /** `server.bodyLimitBytes`: classify and every other route. */
  bodyBytes: 16 * 1024,
  maxScreenedChars: 8000,
  /** Upstream `maxEventBytes`. */
  maxEventBytes: 16 * 1024,
  /** Upstream `maxResponseBytes`. */
  maxResponseBytes: 128 * 1024,
  maxResponseSeconds: 8,
  headersTimeoutMs: 1500,
  bodyTimeoutMs: 1000,
} as const;

/** The API keys the generators send, by the policy they carry. */
export const KEYS = {
  /** asl3 preset: every stage, hold-back streaming. Scopes chat + classify. */
  strict: "fz-strict",
  /** asl3 stages with release-then-check streaming. */
  release: "fz-release",
  /** asl2 preset: prompt stage only, so streams pass through unparsed (only `lite-*` models, ASL-2 routes). */
  lite: "fz-lite",
  classifyOnly: "fz-classify",
  suspended: "fz-suspended",
} as const;

/** Model names that route (the rest are unknown models). */
export const MODELS = {
  openai: ["gpt-4o", "gpt-4o-mini"],
  anthropic: ["claude-3-5-sonnet", "claude-x"],
  lite: ["lite-1"],
} as const;

/** The gateway config for an upstream at `upstreamUrl` (Redis comes from the environment or is embedded). */
export function fuzzGatewayConfig(upstreamUrl: string): Record<string, unknown> {
  const upstream = (dialect: "openai" | "anthropic"): Record<string, unknown> => ({
    baseUrl: upstreamUrl,
    dialect,
    apiKeyEnv: "MOCK_UPSTREAM_KEY",
    connectTimeoutMs: 1000,
    headersTimeoutMs: LIMITS.headersTimeoutMs,
    bodyTimeoutMs: LIMITS.bodyTimeoutMs,
    maxEventBytes: LIMITS.maxEventBytes,
    maxResponseBytes: LIMITS.maxResponseBytes,
    maxResponseSeconds: LIMITS.maxResponseSeconds,
  });
  const key = (id: string, k: string, policy: string, extra: Record<string, unknown> = {}) => ({
    id,
    sha256: hashKey(k),
    tenant: "fuzz",
    policy,
    ...extra,
  });
  return {
    server: {
      modelBodyLimitBytes: LIMITS.modelBodyBytes,
      bodyLimitBytes: LIMITS.bodyBytes,
      maxScreenedChars: LIMITS.maxScreenedChars,
    },
    upstreams: { fz_openai: upstream("openai"), fz_anthropic: upstream("anthropic") },
    routes: [
      { match: "gpt-*", upstream: "fz_openai", models: [...MODELS.openai] },
      { match: "claude-*", upstream: "fz_anthropic", models: [...MODELS.anthropic] },
      { match: "lite-*", upstream: "fz_openai", asl: 2, models: [...MODELS.lite] },
      { match: "lite-*", upstream: "fz_anthropic", asl: 2, models: [...MODELS.lite] },
    ],
    keys: [
      key("k-strict", KEYS.strict, "strict", { scopes: ["chat", "classify"] }),
      key("k-release", KEYS.release, "release", { scopes: ["chat"] }),
      key("k-lite", KEYS.lite, "lite", { scopes: ["chat"] }),
      key("k-classify", KEYS.classifyOnly, "strict", { scopes: ["classify"] }),
      key("k-suspended", KEYS.suspended, "strict", { status: "suspended" }),
    ],
    policies: {
      strict: { preset: "asl3" },
      release: { preset: "asl3", stream: { mode: "release-then-check" } },
      lite: { preset: "asl2" },
    },
    enforcement: { thresholds: { throttle: 1_000_000, suspend: 2_000_000 } },
  };
}
