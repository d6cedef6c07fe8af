/**
 * Key administration: create keys (the secret is returned once; only its SHA-256 is stored), and set status
 * overrides of keys and of single end users of a key. Every change is published so each replica's key store
 * reloads within the sync latency.
 */
import { randomBytes } from "node:crypto";
import type { RedisClient } from "../../contracts/redis-client.ts";
import type { CreatedKey, KeyStatusOverride } from "../../contracts/admin.ts";
import { endUserField, type RedisKeys } from "../../contracts/redis-keys.ts";
import { hashKey } from "../../contracts/key-hash.ts";

export interface KeyAdmin {
  create(o: {
    id?: string | undefined;
    tenant: string;
    policy: string;
    scopes: CreatedKey["scopes"];
    by: string;
  }): Promise<{
    key: string;
    record: CreatedKey;
  }>;
  /** Sets (or with `active`, clears) a key's status override. */
  setStatus(
    id: string,
    o: { status: KeyStatusOverride["status"]; reason: string; by: string; until?: number },
  ): Promise<void>;
  /**
   * Throttles or suspends one end user (`endUserHash`) of a key, or with `active` reinstates it: the status is
   * removed and the end user's strikes are cleared, so the next strike does not at once restore the old status.
   */
  setEndUserStatus(
    keyId: string,
    endUser: string,
    o: { status: "active" | "throttled" | "suspended"; reason: string; by: string; until?: number },
  ): Promise<void>;
}

export interface KeyAdminOptions {
  redis: RedisClient;
  keys: RedisKeys;
  publish: () => Promise<void>;
}

/** Creates the admin operations. */
export function createKeyAdmin({ redis, keys, publish }: KeyAdminOptions): KeyAdmin {
  return {
    async create({ id, tenant, policy, scopes, by }) {
      const key = `pk_${randomBytes(24).toString("base64url")}`;
      const record: CreatedKey = {
        id: id ?? `key_${randomBytes(6).toString("hex")}`,
        sha256: hashKey(key),
        tenant,
        policy,
        scopes,
        createdAt: new Date().toISOString(),
        createdBy: by,
      };
      const added = await redis.hsetnx(keys.keys, record.id, JSON.stringify(record));
      if (added === 0) throw new Error(`key id "${record.id}" exists`);
      await publish();
      return { key, record };
    },
    async setStatus(id, { status, reason, by, until }) {
      const override: KeyStatusOverride = {
        status,
        reason,
        by,
        at: new Date().toISOString(),
        ...(until !== undefined ? { until } : {}),
      };
      // Reinstating also forgets the key's strikes: otherwise the next block would throttle or suspend it again
      // at once, and "reinstate" would not mean a fresh start.
      const tx = redis.multi().hset(keys.keyStatus, id, JSON.stringify(override));
      if (status === "active") tx.del(keys.strikes(id));
      await tx.exec();
      await publish();
    },
    async setEndUserStatus(keyId, endUser, { status, reason, by, until }) {
      const field = endUserField(keyId, endUser);
      if (status === "active") {
        await redis.multi().hdel(keys.endUserStatus, field).del(keys.endUserStrikes(keyId, endUser)).exec();
      } else {
        const override: KeyStatusOverride = {
          status,
          reason,
          by,
          at: new Date().toISOString(),
          ...(until !== undefined ? { until } : {}),
        };
        await redis.hset(keys.endUserStatus, field, JSON.stringify(override));
      }
      await publish();
    },
  };
}
