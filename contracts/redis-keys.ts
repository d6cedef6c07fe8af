/**
 * The Redis key layout shared by the gateway (review/admin API, key store, signatures) and the workers (intake,
 * enforcement). Every key starts with the configured prefix, which carries a hash tag (`{portcullis}`) so the
 * Lua scripts that touch several keys stay on one Redis Cluster slot.
 */

/** Pub/sub topics on the events channel: each tells every replica which store to reload. */
export const SYNC_TOPICS = ["keys", "signatures", "policies"] as const;
export type SyncTopic = (typeof SYNC_TOPICS)[number];

/** Builds the key names for one prefix. */
export function redisKeys(prefix: string) {
  const k = (...parts: string[]): string => [prefix, ...parts].join(":");
  return {
    /** Pub/sub channel; messages are a `SyncTopic`. */
    events: k("events"),
    /** String: the stored incident JSON, with the retention TTL. */
    incident: (id: string) => k("incident", id),
    /** Hash: review state of an incident (status, queue, reviewer, decision...). Same TTL as the incident. */
    state: (id: string) => k("incident-state", id),
    /** Sorted set: every incident id by receive time (ms). */
    index: k("incidents", "by-time"),
    /** String: the first incident id of a conversation within the dedupe window. */
    dedupe: (hash: string) => k("dedupe", hash),
    /** Sorted set per review queue: incident id by enqueue time (ms). */
    reviewQueue: (queue: string) => k("review", "queue", queue),
    /** Sorted set: claimed incident id by lease expiry (ms). */
    leases: k("review", "leases"),
    /** String: a review console session (JSON), by SHA-256 of its cookie value, with the session TTL. */
    reviewSession: (idHash: string) => k("review", "session", idHash),
    /** Sorted set: decided incident id by decision time (ms), for the labels export. */
    decided: k("review", "decided"),
    /** Hash: key id -> JSON of keys created through the admin API (sha256 only). */
    keys: k("keys"),
    /** Hash: key id -> JSON `KeyStatusOverride`, for config keys and created keys alike. */
    keyStatus: k("key-status"),
    /** Sorted set per key id: strikes (`kind:incidentId`) by time (ms). */
    strikes: (keyId: string) => k("strikes", keyId),
    /** Sorted set per (key id, hashed end user): that end user's strikes, as `strikes`. Never the raw id. */
    endUserStrikes: (keyId: string, endUser: string) => k("end-user-strikes", keyId, endUser),
    /** Hash: `endUserField(keyId, endUser)` -> JSON `KeyStatusOverride` of one end user of one key. */
    endUserStatus: k("end-user-status"),
    /** Hash: signature id -> JSON `SignatureRecord`. */
    signatures: k("signatures"),
    /** Hash: policy name -> JSON of the applied override (stages/stream patch plus version). */
    policyOverrides: k("policy-overrides"),
    /** Hash: change id -> JSON `PolicyChange`. */
    policyChanges: k("policy-changes"),
    /** List: audit entries (JSON), oldest first. */
    audit: k("audit"),
    /** String: hash of the newest audit entry (the chain head). */
    auditHead: k("audit", "head"),
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/** The `endUserStatus` hash field of one end user of one key (the hash is fixed-length hex, so this is unique). */
export function endUserField(keyId: string, endUser: string): string {
  return `${keyId}:${endUser}`;
}
