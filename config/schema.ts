/**
 * The one config schema (CONVENTIONS 2). Parsed once at boot from YAML plus environment overrides; a bad value
 * stops the boot with the path of the bad key. Every default is documented next to its field.
 */
import { z } from "zod";
import { SCORE_KEYS } from "../classifiers/types.ts";
import { REDIS_MODES } from "../contracts/redis-client.ts";

export const dialectSchema = z.enum(["openai", "anthropic"]);
export type Dialect = z.infer<typeof dialectSchema>;

const upstreamSchema = z.strictObject({
  /** Base URL without the `/v1/...` path, e.g. `https://api.openai.com`. */
  baseUrl: z.url(),
  dialect: dialectSchema,
  /** Name of the environment variable holding the upstream credential. Unset = send no credential. */
  apiKeyEnv: z.string().optional(),
  /** Connect timeout. @defaultValue 5000 */
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** Time to response headers (covers the model's time to first token). @defaultValue 60000 */
  headersTimeoutMs: z.number().int().positive().default(60_000),
  /** Max idle gap while reading the response body. @defaultValue 60000 */
  bodyTimeoutMs: z.number().int().positive().default(60_000),
  /** Keep-alive connections in the pool. @defaultValue 128 */
  connections: z.number().int().positive().default(128),
  /**
   * Largest SSE event from this upstream (UTF-8 bytes of its `data:` lines); a larger one aborts the upstream and
   * ends the client's stream with an error. @defaultValue 1048576 (1 MiB)
   */
  maxEventBytes: z.number().int().positive().default(1_048_576),
  /**
   * Largest response body from this upstream (JSON, error body, or a whole stream); past it the gateway stops
   * reading, aborts the upstream and answers 502 (or ends the stream with an error). @defaultValue 33554432 (32 MiB)
   */
  maxResponseBytes: z.number().int().positive().default(33_554_432),
  /**
   * Longest time reading one response body from this upstream, from its headers on (the official SDKs' default
   * timeout); past it the upstream is aborted (504, or the stream ends with an error). @defaultValue 600
   */
  maxResponseSeconds: z.number().positive().max(86_400).default(600),
  /** Extra headers sent upstream (e.g. `anthropic-version`). @defaultValue {} */
  headers: z.record(z.string(), z.string()).default({}),
});
export type UpstreamConfig = z.infer<typeof upstreamSchema>;

const routeSchema = z.strictObject({
  /** Model name glob (`*` wildcard), e.g. `gpt-4*`. */
  match: z.string().min(1),
  upstream: z.string().min(1),
  /** ASL level of the models behind this route; a key's policy must be at least as strict. @defaultValue 3 */
  asl: z.union([z.literal(2), z.literal(3)]).default(3),
  /**
   * Model ids `GET /v1/models` lists for this route. Unset: a `match` without `*` lists itself, a glob lists the
   * upstream's own models that it matches.
   */
  models: z.array(z.string().min(1)).optional(),
});

const keySchema = z.strictObject({
  /** Stable key id (logs and incidents use it, never the key itself). */
  id: z.string().min(1),
  /** Hex SHA-256 of the API key. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters"),
  tenant: z.string().min(1),
  policy: z.string().min(1),
  /** What the key may do. @defaultValue ["chat"] */
  scopes: z.array(z.enum(["chat", "classify"])).default(["chat"]),
  /** @defaultValue "active" */
  status: z.enum(["active", "suspended"]).default("active"),
});
export type KeyConfig = z.infer<typeof keySchema>;

const ruleSchema = z
  .strictObject({
    id: z.string().min(1),
    keys: z.array(z.enum(SCORE_KEYS)).min(1),
    pattern: z.string().optional(),
    phrases: z.array(z.string()).optional(),
    score: z.number().min(0).max(1).optional(),
    maxSpan: z.number().int().min(1).max(65_536).optional(),
  })
  .refine((r) => r.pattern !== undefined || (r.phrases?.length ?? 0) > 0, "needs pattern or phrases");

const classifierSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("rules"), rules: z.array(ruleSchema) }),
  z.strictObject({
    kind: z.literal("onnx"),
    /** Directory with `model.onnx` + `manifest.json`, relative to the working directory. */
    dir: z.string(),
  }),
  z.strictObject({
    /** Bring-your-own transformer ONNX (e.g. Prompt Guard 2): `model.onnx`, `tokenizer.json`, `config.json`. */
    kind: z.literal("transformer"),
    dir: z.string(),
    /** Model label (`id2label`) -> score key, or null to ignore it. @defaultValue by label name */
    labelMap: z.record(z.string(), z.enum(SCORE_KEYS).nullable()).optional(),
    /** Tokens per input (explicit truncation). @defaultValue 512 */
    maxTokens: z.number().int().positive().default(512),
    /** worker_threads running the model. @defaultValue 1 */
    poolSize: z.number().int().positive().default(1),
    /** Per-call deadline, queue wait included. @defaultValue 250 */
    deadlineMs: z.number().int().positive().default(250),
  }),
  z.strictObject({
    kind: z.literal("judge"),
    baseUrl: z.url(),
    model: z.string(),
    apiKeyEnv: z.string().optional(),
    /** @defaultValue 2000 */
    timeoutMs: z.number().int().positive().default(2_000),
  }),
]);
export type ClassifierConfig = z.infer<typeof classifierSchema>;

/** Minimum scores per action for one key. `label` records the key as a category of the stage's incident (when
 * another key triggered an action) without triggering anything itself. */
const thresholdSchema = z.strictObject({
  block: z.number().min(0).max(1).optional(),
  flag: z.number().min(0).max(1).optional(),
  shadow: z.number().min(0).max(1).optional(),
  label: z.number().min(0).max(1).optional(),
});
export type Threshold = z.infer<typeof thresholdSchema>;

/**
 * A stage's policy. Every field is required once resolved; in the config file each is an optional override of the
 * policy's preset (see `gateway/screening/presets.ts` for the preset values).
 */
export const stagePolicySchema = z.strictObject({
  enabled: z.boolean(),
  /** Tiers run in order; classifiers in one tier run in parallel; the next tier runs only on uncertain scores. */
  cascade: z.array(z.array(z.string()).min(1)),
  /** A score in [low, high) on a thresholded key escalates to the next tier. Preset: {low: 0.35, high: 0.75} */
  uncertain: z.strictObject({ low: z.number().min(0).max(1), high: z.number().min(0).max(1) }),
  /** Per score key: the lowest score that triggers each action. */
  thresholds: z.partialRecord(z.enum(SCORE_KEYS), thresholdSchema),
  /** Deadline for the whole stage. Preset: 150 ms (prompt, conversation), 250 ms (completion) */
  deadlineMs: z.number().int().positive(),
  /** `closed` refuses when a classifier fails or the deadline passes; `open` allows and counts. */
  failMode: z.enum(["open", "closed"]),
  /**
   * How a later tier's scores join the earlier tiers': `max` keeps the higher score per key, so a tier can only raise
   * an action; `replace` lets a later tier (e.g. a judge clearing a cheap tier's false positives) overwrite the keys
   * it reports, which can lower an action - so switching to it, and changing the escalation of a stage that uses it,
   * needs a second admin. @defaultValue "max"
   */
  combine: z.enum(["max", "replace"]).optional(),
});
export type StagePolicy = z.infer<typeof stagePolicySchema>;

/** Streaming guard settings; config values override the preset's. */
export const streamPolicySchema = z.strictObject({
  /** `hold-back` releases only screened text; `release-then-check` releases first. asl3: hold-back */
  mode: z.enum(["hold-back", "release-then-check"]),
  /** Score at least every N new characters. Preset: 96 */
  scoreEveryChars: z.number().int().positive(),
  /** Max unscreened characters held; reaching it forces a score before more is accepted. Preset: 256 */
  holdBackChars: z.number().int().positive(),
  /** Screen and release held text after this much idle time, so slow streams still flow. Preset: 150 */
  maxHoldMs: z.number().int().positive(),
});
export type StreamPolicy = z.infer<typeof streamPolicySchema>;

const stagesSchema = z.strictObject({
  prompt: stagePolicySchema.partial().optional(),
  conversation: stagePolicySchema.partial().optional(),
  completion: stagePolicySchema.partial().optional(),
});

export const policySchema = z.strictObject({
  /** The preset the stages start from. @defaultValue "asl3" */
  preset: z.enum(["asl2", "asl3"]).default("asl3"),
  /** Recorded in incidents. @defaultValue "1" */
  version: z.string().default("1"),
  stages: stagesSchema.default({}),
  stream: streamPolicySchema.partial().default({}),
});
export type PolicyConfig = z.infer<typeof policySchema>;

/** Incident pipeline (DESIGN section 6): enqueue deadline, spool drain, redaction (before any write), dedupe, retention. */
const incidentsSchema = z
  .strictObject({
    /** Deadline for one BullMQ `add()` before the event goes to the spool. @defaultValue 250 */
    enqueueTimeoutMs: z.number().int().positive().default(250),
    /** How often the drainer looks for spooled events to replay. @defaultValue 1000 */
    drainIntervalMs: z.number().int().positive().default(1_000),
    /** Same key + same conversation within this window is filed once for review. @defaultValue 600 */
    dedupeWindowSeconds: z.number().int().positive().default(600),
    /** Stored incidents (and their review state) expire after this many days. @defaultValue 30 */
    retentionDays: z.number().positive().default(30),
    redact: z
      .strictObject({
        /** Redact e-mail addresses. @defaultValue true */
        emails: z.boolean().default(true),
        /** Redact payment card numbers (13-19 digits passing the Luhn check). @defaultValue true */
        cards: z.boolean().default(true),
        /** Redact phone numbers. @defaultValue true */
        phones: z.boolean().default(true),
        /** Extra regexes (JavaScript syntax, applied with `gu`), replaced by `[REDACTED]`. @defaultValue [] */
        patterns: z.array(z.string()).default([]),
      })
      .prefault({}),
    /** Port of the worker process's `/metrics` (0 = any free port). @defaultValue 9788 */
    workerMetricsPort: z.number().int().min(0).max(65535).default(9_788),
  })
  .prefault({});

/** Strikes against keys, decaying over time; thresholds throttle then suspend (DESIGN section 6). */
const enforcementSchema = z
  .strictObject({
    /** Strike weight per blocked request and per reviewer-confirmed violation. @defaultValue {block: 1, violation: 3} */
    weights: z
      .strictObject({
        block: z.number().nonnegative().default(1),
        violation: z.number().nonnegative().default(3),
      })
      .prefault({}),
    /** Decayed strike totals that throttle (429) and suspend (403) a key. @defaultValue {throttle: 3, suspend: 6} */
    thresholds: z
      .strictObject({ throttle: z.number().positive().default(3), suspend: z.number().positive().default(6) })
      .prefault({}),
    /** Half-life of a strike, in hours. @defaultValue 24 */
    decayHours: z.number().positive().default(24),
    /** How long a throttle lasts before it lapses. @defaultValue 300 */
    throttleSeconds: z.number().int().positive().default(300),
    /** URL POSTed a JSON notice when a key is suspended; unset = no webhook. */
    webhookUrl: z.url().optional(),
    /**
     * Request headers that name the end user (the first one present wins), for clients that cannot set the body's
     * field (OpenAI `safety_identifier` / `user`, Anthropic `metadata.user_id`, which win when present). Strikes of
     * a request that names an end user count against that end user of the key, not the whole key; `[]` reads no
     * header. @defaultValue ["x-portcullis-user", "x-user-id"]
     */
    endUserHeaders: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z0-9-]{1,64}$/, "must be an HTTP header name (letters, digits, -)")
          .transform((h) => h.toLowerCase()),
      )
      .max(8)
      .default(["x-portcullis-user", "x-user-id"]),
  })
  .prefault({});

const reviewTokenSchema = z.strictObject({
  /** Who holds the token (recorded as the actor in the audit log). */
  id: z.string().min(1),
  /** Hex SHA-256 of the bearer token. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters"),
  /** `admin` may also use the review API. */
  role: z.enum(["reviewer", "admin"]),
  /** ISO time after which the token no longer works; unset = no expiry. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type ReviewTokenConfig = z.infer<typeof reviewTokenSchema>;

/** Review API, console and admin API access. */
const reviewSchema = z
  .strictObject({
    /** Bearer tokens for `/review` and `/admin`. @defaultValue [] (the embedded default adds demo tokens) */
    tokens: z.array(reviewTokenSchema).default([]),
    /** How long a claim holds an incident before it returns to its queue. @defaultValue 300 */
    leaseSeconds: z.number().int().positive().default(300),
    /** How long a console login lasts (the session's TTL in Redis; logout ends it sooner). @defaultValue 28800 */
    sessionTtlSeconds: z.number().int().positive().default(28_800),
    /**
     * Always mark the console's session cookie `Secure` (set it when a TLS proxy in front does not send
     * `X-Forwarded-Proto: https`); a request that came over HTTPS gets `Secure` anyway. @defaultValue false
     */
    secureCookies: z.boolean().default(false),
  })
  .prefault({});

/** Asynchronous deep scan with the judge: a sample of all traffic plus every uncertain decision. */
const deepScanSchema = z
  .strictObject({
    /** Fraction of requests queued for the judge. @defaultValue 0 */
    sampleRate: z.number().min(0).max(1).default(0),
    /** Queue every request whose screening had a score in the uncertain band. @defaultValue true */
    uncertain: z.boolean().default(true),
    /** The judge endpoint (OpenAI-compatible); unset = deep scan off. */
    judge: z
      .strictObject({
        baseUrl: z.url(),
        model: z.string(),
        apiKeyEnv: z.string().optional(),
        /** @defaultValue 10000 */
        timeoutMs: z.number().int().positive().default(10_000),
      })
      .optional(),
  })
  .prefault({});

/**
 * The audit log's key and head checkpoints, both kept outside Redis (see `contracts/audit-key.ts`). Every process
 * that appends (gateways, workers) and `npm run audit:verify` need the same key; `PORTCULLIS_AUDIT_KEY` gives the
 * key itself and wins over the file.
 */
const auditSchema = z
  .strictObject({
    /** File holding the audit HMAC key (32+ characters). Unset = `<dataDir>/audit/key`, generated (0600) if missing. */
    keyFile: z.string().min(1).optional(),
    /** Append-only file this process records the log's head in after each append (0600). Unset = `<dataDir>/audit/checkpoints.jsonl` */
    checkpointFile: z.string().min(1).optional(),
  })
  .prefault({});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      /** @defaultValue "127.0.0.1" */
      host: z.string().default("127.0.0.1"),
      /** @defaultValue 8787 */
      port: z.number().int().min(0).max(65535).default(8787),
      /**
       * Largest accepted request body on every route except the model APIs: classify, the review console, the
       * review and admin APIs, unknown paths. @defaultValue 1048576 (1 MiB)
       */
      bodyLimitBytes: z.number().int().positive().default(1_048_576),
      /**
       * Largest accepted body of the model APIs (`/v1/chat/completions`, `/v1/messages` and its `count_tokens`),
       * in line with what the providers accept (images and documents travel inline as base64).
       * @defaultValue 33554432 (32 MiB)
       */
      modelBodyLimitBytes: z.number().int().positive().default(33_554_432),
      /**
       * Most characters of text one request may carry (every turn, system text, tool definitions; not base64
       * images or documents). All of it is screened, in windows, at about 25-40 ms of CPU per 100 KB, so this
       * bounds the screening cost of a request; more is refused with 413. @defaultValue 1000000 (a 200k-token
       * prompt is about 800,000)
       */
      maxScreenedChars: z.number().int().positive().default(1_000_000),
      /**
       * When to send `x-portcullis-incident` with the incident id: on refusals only, on refusals and on flagged but
       * allowed responses (an oracle a client can tune evasions against), or never. `true`/`false` mean
       * "refusals"/"off". @defaultValue "refusals"
       */
      incidentHeader: z
        .union([z.boolean(), z.enum(["refusals", "all", "off"])])
        .transform((v) => (v === true ? "refusals" : v === false ? "off" : v))
        .default("refusals"),
      /** Gateway processes: a number or "auto" (one per core). @defaultValue 1 */
      workers: z.union([z.number().int().positive(), z.literal("auto")]).default(1),
      /**
       * On SIGTERM the gateway stops accepting connections and `/readyz` turns 503; requests in flight get this long
       * to finish. Streams still open then are ended in their dialect (an error event) rather than cut off, and the
       * process exits. Keep it under the orchestrator's grace period (Kubernetes: `terminationGracePeriodSeconds`
       * must cover preStop + this + a few seconds, see deploy/k8s/gateway-deployment.yaml). @defaultValue 10
       */
      drainSeconds: z.number().int().min(0).max(3600).default(10),
      /**
       * Whether `/readyz` stays 200 while the gateway's Redis connection is down. True (the default) keeps serving
       * through a Redis outage - incidents go to the local spool and are replayed later - so an outage never takes
       * every replica out of the load balancer at once. False makes `/readyz` 503 while Redis is unusable, for
       * deployments that would rather send traffic to replicas that still reach Redis (live signatures, enforcement
       * state) than serve on a spool. Without any Redis (no `redis.url` and no `redis-server` to embed) there is
       * nothing to follow. @defaultValue true
       */
      readyWhenRedisDown: z.boolean().default(true),
    })
    .prefault({}),
  redis: z
    .strictObject({
      /**
       * Redis URL; unset = start an embedded `redis-server` child when the binary exists. `redis://` (single node),
       * `redis+cluster://host:port,host:port` (Redis Cluster seed nodes), `redis+sentinel://host:port,.../primary`;
       * `rediss...` for TLS.
       */
      url: z.string().optional(),
      /** Overrides what the URL scheme implies: "single", "cluster" or "sentinel". */
      mode: z.enum(REDIS_MODES).optional(),
      /** The sentinels' own password (`requirepass` in sentinel.conf), for `redis+sentinel://` URLs. */
      sentinelPassword: z.string().min(1).optional(),
      /**
       * Replicas that must acknowledge an incident before the gateway counts it as handed off (Redis `WAIT`); until
       * then it stays in the spool. Set 1 when your Redis has replicas, so a failover never loses an incident a
       * client was told about. 0 trusts the primary alone. @defaultValue 0
       */
      replicaAcks: z.number().int().min(0).max(5).default(0),
      /** Prefix for every Redis key (hash-tagged for Redis Cluster). @defaultValue "{portcullis}" */
      prefix: z.string().default("{portcullis}"),
    })
    .prefault({}),
  /** Directory for the embedded Redis data and the incident spool. @defaultValue "./var" */
  dataDir: z.string().default("./var"),
  refusal: z
    .strictObject({
      /** The text of every refusal, whichever stage fired. */
      text: z.string().default("I can't help with that request."),
    })
    .prefault({}),
  log: z
    .strictObject({
      /** pino level. @defaultValue "info" */
      level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
      /** Log prompt and completion text. Never on by default. @defaultValue false */
      content: z.boolean().default(false),
    })
    .prefault({}),
  upstreams: z.record(z.string(), upstreamSchema),
  routes: z.array(routeSchema).min(1),
  keys: z.array(keySchema).default([]),
  classifiers: z.record(z.string(), classifierSchema).default({}),
  policies: z.record(z.string(), policySchema),
  incidents: incidentsSchema,
  enforcement: enforcementSchema,
  review: reviewSchema,
  deepScan: deepScanSchema,
  audit: auditSchema,
});
export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
