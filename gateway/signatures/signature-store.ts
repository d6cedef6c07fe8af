/**
 * Jailbreak signatures in Redis (hash id -> record) and this replica's matcher index over them. `reload()` swaps
 * the index in one assignment; the signatures classifier reads it per call, so a reload applies to the next
 * request.
 */
import { randomBytes } from "node:crypto";
import type { RedisClient } from "../../contracts/redis-client.ts";
import { createSignatureIndex, type SignatureIndex } from "../../classifiers/signatures/matcher.ts";
import { signatureRecordSchema, type SignatureRecord } from "../../contracts/admin.ts";
import type { RedisKeys } from "../../contracts/redis-keys.ts";

export interface SignatureStore {
  /** The current index (never blocks). */
  index(): SignatureIndex;
  reload(): Promise<void>;
  add(o: {
    text: string;
    reason: string;
    author: string;
    expiresAt?: string | undefined;
    incidentId?: string | undefined;
  }): Promise<SignatureRecord>;
  /** Every stored signature, newest first (expired ones included, marked by their `expiresAt`). */
  list(): Promise<SignatureRecord[]>;
  /** One stored signature; undefined when there is none (or its record is invalid). */
  get(id: string): Promise<SignatureRecord | undefined>;
  /**
   * Deletes a signature and tells every replica to reload (the same publish as `add`), so it stops matching
   * everywhere. False when there was none with that id (or another caller removed it first).
   */
  remove(id: string): Promise<boolean>;
}

export interface SignatureStoreOptions {
  redis: RedisClient;
  keys: RedisKeys;
  publish: () => Promise<void>;
  /** Containment needed to match. @defaultValue 0.5 */
  threshold?: number;
}

/** Creates the store with an empty index; call `reload()` before serving. */
export function createSignatureStore(o: SignatureStoreOptions): SignatureStore {
  let current = createSignatureIndex([]);
  const threshold = o.threshold ?? 0.5;

  async function list(): Promise<SignatureRecord[]> {
    const raw = await o.redis.hgetall(o.keys.signatures);
    return Object.values(raw)
      .flatMap((v) => {
        const r = signatureRecordSchema.safeParse(JSON.parse(v));
        return r.success ? [r.data] : [];
      })
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  }

  return {
    index: () => current,
    async reload() {
      const now = Date.now();
      const live = (await list()).filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now);
      current = createSignatureIndex(
        live.map((s) => ({
          id: s.id,
          text: s.text,
          expiresAt: s.expiresAt === null ? null : Date.parse(s.expiresAt),
        })),
        { threshold },
      );
    },
    async add({ text, reason, author, expiresAt, incidentId }) {
      const record: SignatureRecord = {
        id: `sig_${randomBytes(8).toString("hex")}`,
        text,
        reason,
        author,
        createdAt: new Date().toISOString(),
        expiresAt: expiresAt ?? null,
        ...(incidentId !== undefined ? { incidentId } : {}),
      };
      await o.redis.hset(o.keys.signatures, record.id, JSON.stringify(record));
      await o.publish();
      return record;
    },
    list,
    async get(id) {
      const raw = await o.redis.hget(o.keys.signatures, id);
      const r = raw === null ? undefined : signatureRecordSchema.safeParse(JSON.parse(raw));
      return r?.success ? r.data : undefined;
    },
    async remove(id) {
      // HDEL decides who removed it when two callers race; the other one is told there was nothing to remove.
      if ((await o.redis.hdel(o.keys.signatures, id)) === 0) return false;
      await o.publish();
      return true;
    },
  };
}
