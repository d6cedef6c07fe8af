/**
 * The state every gateway replica keeps in memory and in step with Redis: API keys and their statuses, jailbreak
 * signatures and live policy overrides, plus the replica sync (pub/sub) that reloads each on change. Built in one
 * call from what it needs - the signature store, which the classifier registry reads before policies can be
 * resolved, comes in already made, and so do the resolved policies - so there is no order of calls to get wrong.
 */
import type { Logger } from "pino";
import type { RedisClient } from "../../contracts/redis-client.ts";
import type { RedisKeys, SyncTopic } from "../../contracts/redis-keys.ts";
import type { Config } from "../../config/schema.ts";
import { createKeyAdmin, type KeyAdmin } from "../keys/key-admin.ts";
import { createRedisKeyStore, type RedisKeyStore } from "../keys/redis-key-store.ts";
import type { ClassifierInfo } from "../screening/presets.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";
import type { SignatureStore } from "../signatures/signature-store.ts";
import { createPolicyStore, type PolicyStore } from "./policy-store.ts";
import { createReplicaSync, publishSync } from "./replica-sync.ts";

export interface ReplicatedStateOptions {
  config: Pick<Config, "keys" | "policies">;
  logger: Logger;
  command: RedisClient;
  /** A dedicated connection (it enters subscriber mode). */
  subscriber: RedisClient;
  keys: RedisKeys;
  signatures: SignatureStore;
  /** The live policy map the screener reads (overrides are applied to it in place) and the registry's infos. */
  policies: { live: Map<string, ResolvedPolicy>; infos: readonly ClassifierInfo[] };
}

export interface ReplicatedState {
  readonly keys: RedisKeyStore;
  readonly keyAdmin: KeyAdmin;
  readonly signatures: SignatureStore;
  readonly policies: PolicyStore;
  /** Tells every replica to reload one store (after a write made outside the stores, e.g. policy changes). */
  publish(topic: SyncTopic): Promise<void>;
  /** Initial load of keys, signatures and policy overrides, then subscribe. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Signature store publisher, for the composition root that builds the store before the rest (see module doc). */
export function syncPublisher(command: RedisClient, keys: RedisKeys) {
  return (topic: SyncTopic) => () => publishSync(command, keys.events, topic);
}

export function createReplicatedState(o: ReplicatedStateOptions): ReplicatedState {
  const publisher = syncPublisher(o.command, o.keys);
  const onInvalid = (what: string, id: string) =>
    o.logger.warn({ what, id }, "ignoring invalid record in Redis");
  const keys = createRedisKeyStore({ configKeys: o.config.keys, redis: o.command, keys: o.keys, onInvalid });
  const keyAdmin = createKeyAdmin({ redis: o.command, keys: o.keys, publish: publisher("keys") });
  const policies = createPolicyStore({
    redis: o.command,
    keys: o.keys,
    base: o.config.policies,
    infos: o.policies.infos,
    live: o.policies.live,
  });
  const sync = createReplicaSync({
    subscriber: o.subscriber,
    channel: o.keys.events,
    logger: o.logger,
    reloaders: {
      keys: () => keys.reload(),
      signatures: () => o.signatures.reload(),
      policies: () => policies.reload(),
    },
  });
  return {
    keys,
    keyAdmin,
    signatures: o.signatures,
    policies,
    publish: (topic) => publisher(topic)(),
    start: () => sync.start(),
    close: () => sync.close(),
  };
}
