/**
 * Appends to the hash- and MAC-chained audit log (shared by the gateway APIs and the enforcement worker) in Redis
 * (list + head hash). Hash and MAC are computed here (Lua has no SHA-256, and the key must not reach Redis); a
 * compare-and-set script appends only if the head is still the one they were built on, and the append retries on a
 * race with another replica. After each append the new head is checkpointed outside Redis.
 */
import type { RedisClient } from "./redis-client.ts";
import { AUDIT_GENESIS, auditEntrySchema, auditHash, auditMac, type AuditEntry } from "./audit-chain.ts";
import type { CheckpointWriter } from "./audit-checkpoint.ts";
import type { RedisKeys } from "./redis-keys.ts";

// KEYS: list, head. ARGV: expected head, entry JSON, new hash, expected length.
const APPEND = `
local head = redis.call('GET', KEYS[2]) or '${AUDIT_GENESIS}'
if head ~= ARGV[1] or redis.call('LLEN', KEYS[1]) ~= tonumber(ARGV[4]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
return 1
`;

/** What a caller records; sequence, time and hashes are filled in. */
export interface AuditInput {
  readonly actor: string;
  readonly role: string;
  readonly action: string;
  readonly target: string;
  readonly details?: Record<string, unknown>;
}

export interface AuditLog {
  append(input: AuditInput): Promise<AuditEntry>;
  /** Newest first. */
  list(limit?: number): Promise<AuditEntry[]>;
}

export interface AuditLogOptions {
  /** A command connection. */
  redis: RedisClient;
  keys: RedisKeys;
  /** The audit key (see `audit-key.ts`); never written anywhere. */
  key: Buffer;
  /** Where this process records each new head, outside Redis. */
  checkpoint: CheckpointWriter;
  /**
   * Called when a checkpoint cannot be written. The entry is already in Redis (the action happened), so the append
   * still succeeds; the caller logs it. Verify then sees a head older than the log, which it accepts.
   */
  onCheckpointError: (e: unknown) => void;
}

/** The MAC of the newest entry (the chain's MAC head); genesis for an empty list or an unreadable entry. */
function macOf(last: string | null): string {
  if (last === null) return AUDIT_GENESIS;
  try {
    return auditEntrySchema.parse(JSON.parse(last)).mac;
  } catch {
    // Verify reports the broken entry; chaining on genesis keeps appends going meanwhile.
    return AUDIT_GENESIS;
  }
}

/** Creates the appender. */
export function createAuditLog({
  redis,
  keys,
  key,
  checkpoint,
  onCheckpointError,
}: AuditLogOptions): AuditLog {
  return {
    async append(input) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const [head, len, last] = await Promise.all([
          redis.get(keys.auditHead),
          redis.llen(keys.audit),
          redis.lindex(keys.audit, -1),
        ]);
        const prev = head ?? AUDIT_GENESIS;
        const body = {
          seq: len,
          time: new Date().toISOString(),
          actor: input.actor,
          role: input.role,
          action: input.action,
          target: input.target,
          details: input.details ?? {},
          prev,
        };
        const hashed = { ...body, hash: auditHash(body) };
        const entry: AuditEntry = { ...hashed, mac: auditMac(key, macOf(last), hashed) };
        const done = await redis.eval(
          APPEND,
          2,
          keys.audit,
          keys.auditHead,
          prev,
          JSON.stringify(entry),
          entry.hash,
          len,
        );
        if (done === 1) {
          await checkpoint.record(len + 1, entry.mac).catch(onCheckpointError);
          return entry;
        }
      }
      throw new Error("audit append lost the race 20 times");
    },
    async list(limit = 100) {
      const lines = await redis.lrange(keys.audit, -limit, -1);
      return lines.reverse().map((l) => JSON.parse(l) as AuditEntry);
    },
  };
}
