/**
 * Builds the gateway's incident-response side over connections that `gateway/main.ts` opened: the BullMQ incident
 * producer (spool fallback + drainer), the replicated key store, signatures (store + classifier), live policy
 * overrides, the review API, console and admin API, and the replica sync that keeps them current.
 */
import { Queue } from "bullmq";
import type { Hono } from "hono";
import { redisUsable, type RedisClient } from "../../contracts/redis-client.ts";
import type { Logger } from "pino";
import { createSignatureClassifier } from "../../classifiers/signatures/classifier.ts";
import type { Classifier } from "../../classifiers/types.ts";
import { ENFORCEMENT_QUEUE } from "../../contracts/incident.ts";
import { createEventRedactor } from "../../contracts/redact.ts";
import { redisKeys, type SyncTopic } from "../../contracts/redis-keys.ts";
import type { Config } from "../../config/schema.ts";
import type { AppEnv } from "../env.ts";
import { createQueueProducer, type QueueProducer } from "../incidents/queue-producer.ts";
import type { Spool } from "../incidents/spool.ts";
import { createKeyAdmin } from "../keys/key-admin.ts";
import { createRedisKeyStore, type RedisKeyStore } from "../keys/redis-key-store.ts";
import type { Metrics } from "../observability/metrics.ts";
import { createReviewActions } from "../review/actions.ts";
import { createReviewApi } from "../review/api.ts";
import { createConsole } from "../review/console.tsx";
import { createReviewStore } from "../review/review-store.ts";
import { createSessionStore } from "../review/sessions.ts";
import { createTokenAuth } from "../review/tokens.ts";
import type { ClassifierInfo } from "../screening/presets.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";
import { createSignatureStore } from "../signatures/signature-store.ts";
import { createSpecificityCheck } from "../signatures/specificity.ts";
import { createAdminApi } from "./api.ts";
import { createAuditLog } from "../../contracts/audit-log.ts";
import type { AuditSecrets } from "../../contracts/audit-key.ts";
import { createPolicyChanges } from "./policy-changes.ts";
import { createPolicyStore, type PolicyStore } from "./policy-store.ts";
import { createReplicaSync, publishSync } from "./replica-sync.ts";

/** The three connections: commands, the fail-fast producer, and the pub/sub subscriber. */
export interface IncidentRedis {
  readonly command: RedisClient;
  /** Must be created with `enableOfflineQueue: false`. */
  readonly producer: RedisClient;
  readonly subscriber: RedisClient;
}

export interface IncidentResponseOptions {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  redis: IncidentRedis;
  spool: Spool;
  /** The audit key and this process's checkpoint writer (`openAuditSecrets`, in the composition root). */
  audit: AuditSecrets;
}

export interface IncidentResponse {
  readonly producer: QueueProducer;
  readonly keys: RedisKeyStore;
  readonly signatures: { readonly classifier: Classifier; readonly info: ClassifierInfo };
  /** Route registrars for `createApp`; call after `attachPolicies`. */
  registrars(): ((app: Hono<AppEnv>) => void)[];
  /** Hands over the live policy map (the one in `Deps.policies`) and the registry's infos. */
  attachPolicies(live: Map<string, ResolvedPolicy>, infos: readonly ClassifierInfo[]): void;
  /** Initial load of keys, signatures and policy overrides, then subscribe. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Creates everything; connects nothing itself (the connections are given). */
export function createIncidentResponse(o: IncidentResponseOptions): IncidentResponse {
  const { config, logger } = o;
  const rk = redisKeys(config.redis.prefix);
  const command = o.redis.command;
  const publisher = (topic: SyncTopic) => () => publishSync(command, rk.events, topic);
  const onInvalid = (what: string, id: string) =>
    logger.warn({ what, id }, "ignoring invalid record in Redis");
  const keys = createRedisKeyStore({ configKeys: config.keys, redis: command, keys: rk, onInvalid });
  const signatures = createSignatureStore({ redis: command, keys: rk, publish: publisher("signatures") });
  const audit = createAuditLog({
    redis: command,
    keys: rk,
    key: o.audit.key,
    checkpoint: o.audit.checkpoint,
    onCheckpointError: (e) => logger.error({ err: e }, "audit checkpoint write failed"),
  });
  const tokens = createTokenAuth(config.review.tokens);
  const store = createReviewStore({ redis: command, keys: rk, leaseSeconds: config.review.leaseSeconds });
  const enforcement = new Queue(ENFORCEMENT_QUEUE, { connection: command, prefix: config.redis.prefix });
  enforcement.on("error", (e: Error) => logger.warn({ err: e.message }, "enforcement queue error"));
  const keyAdmin = createKeyAdmin({ redis: command, keys: rk, publish: publisher("keys") });
  const specificity = createSpecificityCheck();
  const actions = createReviewActions({ store, audit, keyAdmin, signatures, enforcement, specificity });
  const sessions = createSessionStore({
    redis: command,
    keys: rk,
    tokens,
    ttlSeconds: config.review.sessionTtlSeconds,
  });
  const producer = createQueueProducer({
    connection: o.redis.producer,
    prefix: config.redis.prefix,
    spool: o.spool,
    redact: createEventRedactor(config.incidents.redact),
    metrics: o.metrics,
    logger,
    enqueueTimeoutMs: config.incidents.enqueueTimeoutMs,
    drainIntervalMs: config.incidents.drainIntervalMs,
    replicaAcks: config.redis.replicaAcks,
  });
  let policies: PolicyStore | undefined;
  const sync = createReplicaSync({
    subscriber: o.redis.subscriber,
    channel: rk.events,
    logger,
    reloaders: {
      keys: () => keys.reload(),
      signatures: () => signatures.reload(),
      policies: () => policies?.reload() ?? Promise.resolve(),
    },
  });
  const onInternalError = (e: unknown) => logger.error({ err: e }, "review/admin API error");
  // Read when an error is mapped: an unexpected failure while the client cannot take commands is a 503.
  const redisReady = () => redisUsable(command);

  return {
    producer,
    keys,
    signatures: {
      classifier: createSignatureClassifier({ index: () => signatures.index() }),
      info: { name: "signatures", kind: "signatures" },
    },
    attachPolicies(live, infos) {
      policies = createPolicyStore({ redis: command, keys: rk, base: config.policies, infos, live });
    },
    registrars() {
      if (!policies) throw new Error("attachPolicies() must run before registrars()");
      const policyChanges = createPolicyChanges({
        redis: command,
        keys: rk,
        policies,
        audit,
        publish: publisher("policies"),
      });
      const bodyLimitBytes = config.server.bodyLimitBytes;
      const reviewApi = createReviewApi({
        tokens,
        store,
        actions,
        signatures,
        redisReady,
        onInternalError,
        bodyLimitBytes,
      });
      const consoleApp = createConsole({
        tokens,
        sessions,
        store,
        actions,
        signatures,
        secureCookies: config.review.secureCookies,
        redisReady,
        onInternalError,
        bodyLimitBytes,
      });
      const adminApi = createAdminApi({
        tokens,
        keyStore: keys,
        keyAdmin,
        signatures,
        actions,
        policyChanges,
        audit,
        policyNames: Object.keys(config.policies),
        redisReady,
        onInternalError,
        bodyLimitBytes,
      });
      return [
        (app) => {
          app.route("/review/api", reviewApi);
          app.route("/admin/api", adminApi);
          app.route("/review", consoleApp);
        },
      ];
    },
    start: () => sync.start(),
    async close() {
      await sync.close();
      await producer.close();
      await enforcement.close().catch(() => undefined);
    },
  };
}
