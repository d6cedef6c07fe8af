/**
 * Appends to the hash-chained audit log (shared by the gateway APIs and the enforcement worker) in Redis (list + head hash). The hash is computed here (Lua has no
 * SHA-256); a compare-and-set script appends only if the head is still the one the hash was built on, and the
 * append retries on a race with another replica.
 */
import type { Redis } from "ioredis";
import { AUDIT_GENESIS, auditHash, type AuditEntry } from "./admin.ts";
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

/** Creates the appender over a command connection. */
export function createAuditLog({ redis, keys }: { redis: Redis; keys: RedisKeys }): AuditLog {
  return {
    async append(input) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const [head, len] = await Promise.all([redis.get(keys.auditHead), redis.llen(keys.audit)]);
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
        const entry: AuditEntry = { ...body, hash: auditHash(body) };
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
        if (done === 1) return entry;
      }
      throw new Error("audit append lost the race 20 times");
    },
    async list(limit = 100) {
      const lines = await redis.lrange(keys.audit, -limit, -1);
      return lines.reverse().map((l) => JSON.parse(l) as AuditEntry);
    },
  };
}
