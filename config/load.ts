/**
 * Loads the config: YAML file (optional) + environment overrides, validated by the zod schema and by cross-reference
 * checks. Any problem throws a `ConfigError` whose message names the path of the bad key.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { parseRedisUrl, RedisUrlError } from "../contracts/redis-client.ts";
import { configSchema, type Config } from "./schema.ts";
import { unknownKeyLines } from "./unknown-keys.ts";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Environment variables that override config keys (documented in `.env.example`). */
export const ENV_OVERRIDES: Readonly<Record<string, readonly (string | number)[]>> = {
  PORT: ["server", "port"],
  HOST: ["server", "host"],
  PORTCULLIS_BODY_LIMIT_BYTES: ["server", "bodyLimitBytes"],
  PORTCULLIS_MODEL_BODY_LIMIT_BYTES: ["server", "modelBodyLimitBytes"],
  PORTCULLIS_MAX_SCREENED_CHARS: ["server", "maxScreenedChars"],
  PORTCULLIS_WORKERS: ["server", "workers"],
  REDIS_URL: ["redis", "url"],
  PORTCULLIS_REDIS_MODE: ["redis", "mode"],
  PORTCULLIS_REDIS_SENTINEL_PASSWORD: ["redis", "sentinelPassword"],
  PORTCULLIS_REDIS_PREFIX: ["redis", "prefix"],
  PORTCULLIS_REDIS_REPLICA_ACKS: ["redis", "replicaAcks"],
  PORTCULLIS_DATA_DIR: ["dataDir"],
  PORTCULLIS_LOG_LEVEL: ["log", "level"],
  PORTCULLIS_LOG_CONTENT: ["log", "content"],
  PORTCULLIS_REFUSAL_TEXT: ["refusal", "text"],
  PORTCULLIS_ENQUEUE_TIMEOUT_MS: ["incidents", "enqueueTimeoutMs"],
  PORTCULLIS_DEDUPE_WINDOW_SECONDS: ["incidents", "dedupeWindowSeconds"],
  PORTCULLIS_WORKER_METRICS_PORT: ["incidents", "workerMetricsPort"],
  PORTCULLIS_ENFORCEMENT_WEBHOOK_URL: ["enforcement", "webhookUrl"],
  PORTCULLIS_REVIEW_LEASE_SECONDS: ["review", "leaseSeconds"],
  PORTCULLIS_AUDIT_KEY_FILE: ["audit", "keyFile"],
  PORTCULLIS_AUDIT_CHECKPOINT: ["audit", "checkpointFile"],
};

/** Overrides of text keys, taken as written: a password "007" or a refusal "42" must not become a number. */
const TEXT_ENV: ReadonlySet<string> = new Set([
  "REDIS_URL",
  "PORTCULLIS_REDIS_PREFIX",
  "PORTCULLIS_REDIS_SENTINEL_PASSWORD",
  "PORTCULLIS_REFUSAL_TEXT",
  "PORTCULLIS_ENFORCEMENT_WEBHOOK_URL",
  "PORTCULLIS_AUDIT_KEY_FILE",
  "PORTCULLIS_AUDIT_CHECKPOINT",
  "PORTCULLIS_DATA_DIR",
]);

function coerce(value: string): unknown {
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^-?\d+$/.test(value)) return Number(value);
  return value;
}

function setPath(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
}

function formatIssues(error: z.ZodError, source: string): string {
  const lines = error.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? unknownKeyLines(configSchema, i.path, i.keys)
      : [`  ${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`],
  );
  return `invalid config (${source}):\n${lines.join("\n")}`;
}

/**
 * Classifier names the gateway provides without config: the built-in rules, the shipped models (present when
 * `models/<stage>/` exists) and the rapid-response signatures (present when Redis is).
 */
export const BUILTIN_CLASSIFIERS = [
  "rules",
  "prompt-model",
  "completion-model",
  "conversation-model",
  "signatures",
];

/** Problems with classifier names used by policies, against the names that exist. */
export function unknownClassifiers(config: Pick<Config, "policies">, known: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const [name, policy] of Object.entries(config.policies)) {
    for (const [stage, sp] of Object.entries(policy.stages)) {
      sp?.cascade?.forEach((tier, t) =>
        tier.forEach((c, j) => {
          if (!known.has(c))
            problems.push(`policies.${name}.stages.${stage}.cascade.${t}.${j}: unknown classifier "${c}"`);
        }),
      );
    }
  }
  return problems;
}

function checkReferences(config: Config): string[] {
  const problems: string[] = [];
  config.routes.forEach((r, i) => {
    if (!config.upstreams[r.upstream])
      problems.push(`routes.${i}.upstream: unknown upstream "${r.upstream}"`);
  });
  config.keys.forEach((k, i) => {
    if (!config.policies[k.policy]) problems.push(`keys.${i}.policy: unknown policy "${k.policy}"`);
  });
  problems.push(
    ...unknownClassifiers(config, new Set([...BUILTIN_CLASSIFIERS, ...Object.keys(config.classifiers)])),
  );
  if (config.redis.url === undefined && config.redis.mode !== undefined && config.redis.mode !== "single")
    problems.push(
      `redis.mode: "${config.redis.mode}" needs redis.url (the embedded redis-server is one node)`,
    );
  if (config.redis.url !== undefined) {
    try {
      const target = parseRedisUrl(config.redis.url, config.redis.mode);
      // Every multi-key script and BullMQ queue needs its keys in one slot: the prefix's hash tag does that.
      if (target.mode === "cluster" && !/\{[^}]+\}/.test(config.redis.prefix))
        problems.push(
          `redis.prefix: "${config.redis.prefix}" needs a hash tag such as {portcullis} on Redis Cluster`,
        );
    } catch (e: unknown) {
      if (!(e instanceof RedisUrlError)) throw e;
      problems.push(`redis.url: ${e.message}`);
    }
  }
  const ids = new Set<string>();
  config.keys.forEach((k, i) => {
    if (ids.has(k.id)) problems.push(`keys.${i}.id: duplicate key id "${k.id}"`);
    ids.add(k.id);
  });
  return problems;
}

export interface LoadConfigOptions {
  /** Raw config object (already parsed YAML or the embedded default). */
  raw: unknown;
  /** Where `raw` came from, for error messages. */
  source: string;
  env?: NodeJS.ProcessEnv;
}

/** Validates a raw config object with environment overrides applied. Throws `ConfigError`. */
export function loadConfig(opts: LoadConfigOptions): Config {
  const raw = structuredClone(opts.raw ?? {}) as Record<string, unknown>;
  const env = opts.env ?? {};
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value !== undefined && value !== "") setPath(raw, path, TEXT_ENV.has(name) ? value : coerce(value));
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, opts.source));
  const problems = checkReferences(parsed.data);
  if (problems.length > 0) {
    throw new ConfigError(`invalid config (${opts.source}):\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
  return parsed.data;
}

/** Reads and parses a YAML config file. Throws `ConfigError` naming the file on read or YAML errors. */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e: unknown) {
    throw new ConfigError(`cannot read config file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return parseYaml(text) as unknown;
  } catch (e: unknown) {
    throw new ConfigError(
      `config file ${path} is not valid YAML: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
