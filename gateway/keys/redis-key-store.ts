/**
 * The replicated key store: config keys plus keys created through the admin API (Redis hash, SHA-256 only), with
 * status overrides (suspend, throttle, revoke, reinstate) from admins and the enforcement worker, and the statuses
 * of single end users of a key (by hashed end user). Lookups stay synchronous: each replica keeps the whole set in
 * memory and `reload()`s it when the `keys` sync topic fires.
 */
import type { RedisClient } from "../../contracts/redis-client.ts";
import { createdKeySchema, keyStatusOverrideSchema, type KeyStatusOverride } from "../../contracts/admin.ts";
import { endUserField, type RedisKeys } from "../../contracts/redis-keys.ts";
import type { KeyConfig } from "../../config/schema.ts";
import { hashKey } from "../../contracts/key-hash.ts";
import type { EndUserStatus, KeyRecord, KeyStore } from "./key-store.ts";

export interface RedisKeyStore extends KeyStore {
  /** The record for a key id (config or created), with its override applied. */
  byId(id: string, now?: number): KeyRecord | undefined;
  /** Re-reads created keys and overrides from Redis. */
  reload(): Promise<void>;
}

export interface RedisKeyStoreOptions {
  configKeys: readonly KeyConfig[];
  redis: RedisClient;
  keys: RedisKeys;
  onInvalid?: (what: string, id: string) => void;
}

function parseAll<T>(
  h: Record<string, string>,
  parse: (v: unknown) => { success: true; data: T } | { success: false },
  onInvalid: (id: string) => void,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const [id, raw] of Object.entries(h)) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
    const r = parse(value);
    if (r.success) out.set(id, r.data);
    else onInvalid(id);
  }
  return out;
}

/** Creates the store; call `reload()` once before serving. */
export function createRedisKeyStore(o: RedisKeyStoreOptions): RedisKeyStore {
  const base = new Map<string, KeyRecord & { sha256: string }>(
    o.configKeys.map((k) => [
      k.id,
      { id: k.id, sha256: k.sha256, tenant: k.tenant, policy: k.policy, scopes: k.scopes, status: k.status },
    ]),
  );
  let byHash = new Map<string, string>([...base.values()].map((k) => [k.sha256, k.id]));
  let records = new Map(base);
  let overrides = new Map<string, KeyStatusOverride>();
  let endUsers = new Map<string, KeyStatusOverride>();
  const invalid = o.onInvalid ?? (() => undefined);

  function resolve(id: string, now: number): KeyRecord | undefined {
    const r = records.get(id);
    if (!r) return undefined;
    const ov = overrides.get(id);
    const live = ov !== undefined && (ov.until === undefined || ov.until > now);
    const { sha256: _sha, ...rest } = r;
    if (!live) return { ...rest, status: r.status };
    return { ...rest, status: ov.status, ...(ov.until !== undefined ? { until: ov.until } : {}) };
  }

  function endUserStatus(keyId: string, endUser: string, now = Date.now()): EndUserStatus | undefined {
    const ov = endUsers.get(endUserField(keyId, endUser));
    if (!ov || (ov.until !== undefined && ov.until <= now)) return undefined;
    if (ov.status === "throttled")
      return { status: "throttled", ...(ov.until !== undefined ? { until: ov.until } : {}) };
    return ov.status === "active" ? undefined : { status: "suspended" };
  }

  return {
    lookup(presented) {
      const id = byHash.get(hashKey(presented));
      return id === undefined ? undefined : resolve(id, Date.now());
    },
    byId: (id, now = Date.now()) => resolve(id, now),
    endUserStatus,
    async reload() {
      const [created, status, endUserStatuses] = await Promise.all([
        o.redis.hgetall(o.keys.keys),
        o.redis.hgetall(o.keys.keyStatus),
        o.redis.hgetall(o.keys.endUserStatus),
      ]);
      const createdKeys = parseAll(
        created,
        (v) => createdKeySchema.safeParse(v),
        (id) => invalid("key", id),
      );
      const next = new Map(base);
      for (const k of createdKeys.values()) {
        if (base.has(k.id)) continue;
        next.set(k.id, {
          id: k.id,
          sha256: k.sha256,
          tenant: k.tenant,
          policy: k.policy,
          scopes: k.scopes,
          status: "active",
        });
      }
      overrides = parseAll(
        status,
        (v) => keyStatusOverrideSchema.safeParse(v),
        (id) => invalid("key status", id),
      );
      endUsers = parseAll(
        endUserStatuses,
        (v) => keyStatusOverrideSchema.safeParse(v),
        (field) => invalid("end-user status", field),
      );
      records = next;
      byHash = new Map([...next.values()].map((k) => [k.sha256, k.id]));
    },
  };
}
