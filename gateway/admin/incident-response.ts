/**
 * Builds the gateway's incident-response side in one call, over connections `gateway/main.ts` opened: the BullMQ
 * incident producer (spool fallback + drainer), the replicated state (keys, signatures, policy overrides, replica
 * sync) and the staff routes (review API, console, admin API). Its inputs are everything it needs - the signature
 * store and the resolved policies included, which the classifier registry comes between - so nothing can be called
 * in the wrong order.
 */
import type { Hono } from "hono";
import type { Logger } from "pino";
import type { AuditSecrets } from "../../contracts/audit-key.ts";
import { createAuditLog } from "../../contracts/audit-log.ts";
import { createEventRedactor } from "../../contracts/redact.ts";
import type { RedisClient } from "../../contracts/redis-client.ts";
import type { RedisKeys } from "../../contracts/redis-keys.ts";
import type { Config } from "../../config/schema.ts";
import type { AppEnv } from "../env.ts";
import { createQueueProducer, type QueueProducer } from "../incidents/queue-producer.ts";
import type { Spool } from "../incidents/spool.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ClassifierInfo } from "../screening/presets.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";
import { createSignatureStore, type SignatureStore } from "../signatures/signature-store.ts";
import { createReplicatedState, syncPublisher, type ReplicatedState } from "./replicated-state.ts";
import { createStaffRoutes } from "./staff-routes.ts";

/** The connections: commands, the fail-fast producer, the pub/sub subscriber, and the replication probe. */
export interface IncidentRedis {
  readonly command: RedisClient;
  /** Must be created with `enableOfflineQueue: false`. */
  readonly producer: RedisClient;
  readonly subscriber: RedisClient;
  /** Only with `redis.replicaAcks` > 0: WAIT runs here, since it blocks its connection. */
  readonly replication?: RedisClient;
}

/** The signature store, built before the classifier registry (whose `signatures` classifier reads it). */
export function createSignatures(command: RedisClient, keys: RedisKeys): SignatureStore {
  return createSignatureStore({ redis: command, keys, publish: syncPublisher(command, keys)("signatures") });
}

export interface IncidentResponseOptions {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  redis: IncidentRedis;
  keys: RedisKeys;
  spool: Spool;
  /** The audit key and this process's checkpoint writer (`openAuditSecrets`, in the composition root). */
  audit: AuditSecrets;
  signatures: SignatureStore;
  /** The live policy map the screener reads and the classifier registry's infos. */
  policies: { live: Map<string, ResolvedPolicy>; infos: readonly ClassifierInfo[] };
}

export interface IncidentResponse {
  readonly producer: QueueProducer;
  readonly state: ReplicatedState;
  /** Mounts the staff routes (a registrar for `createApp`). */
  readonly register: (app: Hono<AppEnv>) => void;
  /** Initial load of keys, signatures and policy overrides, then subscribe. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createIncidentResponse(o: IncidentResponseOptions): IncidentResponse {
  const { config, logger } = o;
  const command = o.redis.command;
  const state = createReplicatedState({
    config,
    logger,
    command,
    subscriber: o.redis.subscriber,
    keys: o.keys,
    signatures: o.signatures,
    policies: o.policies,
  });
  const audit = createAuditLog({
    redis: command,
    keys: o.keys,
    key: o.audit.key,
    checkpoint: o.audit.checkpoint,
    onCheckpointError: (e) => logger.error({ err: e }, "audit checkpoint write failed"),
  });
  const staff = createStaffRoutes({ config, logger, command, keys: o.keys, state, audit });
  const producer = createQueueProducer({
    connection: o.redis.producer,
    prefix: config.redis.prefix,
    spool: o.spool,
    redact: createEventRedactor(config.incidents.redact),
    metrics: o.metrics,
    logger,
    enqueueTimeoutMs: config.incidents.enqueueTimeoutMs,
    drainIntervalMs: config.incidents.drainIntervalMs,
    ...(o.redis.replication
      ? { replication: { connection: o.redis.replication, acks: config.redis.replicaAcks } }
      : {}),
  });
  return {
    producer,
    state,
    register: (app) => staff.register(app),
    start: () => state.start(),
    async close() {
      // Each part is closed even when another fails; the failures are reported together.
      const failed = (await Promise.allSettled([state.close(), producer.close(), staff.close()])).flatMap(
        (r) => (r.status === "rejected" ? [r.reason as unknown] : []),
      );
      if (failed.length > 0) throw new AggregateError(failed, "closing the incident side failed");
    },
  };
}
