/**
 * Review queues in Redis: one sorted set per queue (incident id by enqueue time), a lease set (incident id by
 * lease expiry) and a state hash per incident. Claim and decide are Lua scripts, so two reviewers can never hold
 * the same incident and an expired lease returns the incident to its queue atomically before the next claim.
 */
import type { RedisClient } from "../../contracts/redis-client.ts";
import {
  REVIEW_QUEUES,
  storedIncidentSchema,
  type ReviewDecision,
  type ReviewQueue,
  type StoredIncident,
} from "../../contracts/incident.ts";
import type { RedisKeys } from "../../contracts/redis-keys.ts";

// Shared Lua: return every expired lease's incident to its queue (at its original position).
const REQUEUE_EXPIRED = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[1], id)
  local st = ARGV[2] .. id
  if redis.call('HGET', st, 'status') == 'claimed' then
    redis.call('HSET', st, 'status', 'queued')
    redis.call('HDEL', st, 'reviewer', 'leaseExpiresAt')
    local q = redis.call('HGET', st, 'queue')
    local at = redis.call('HGET', st, 'enqueuedAt')
    if q and at then redis.call('ZADD', ARGV[3] .. q, at, id) end
  end
end
`;

// KEYS[1] leases, KEYS[2..] queues in priority order. ARGV: now, statePrefix, queuePrefix, leaseMs, reviewer.
const CLAIM = `${REQUEUE_EXPIRED}
for i = 2, #KEYS do
  while true do
    local popped = redis.call('ZPOPMIN', KEYS[i])
    if #popped == 0 then break end
    local id = popped[1]
    local st = ARGV[2] .. id
    if redis.call('HGET', st, 'status') == 'queued' then
      local exp = tonumber(ARGV[1]) + tonumber(ARGV[4])
      redis.call('HSET', st, 'status', 'claimed', 'reviewer', ARGV[5], 'leaseExpiresAt', exp)
      redis.call('ZADD', KEYS[1], exp, id)
      return {id, tostring(exp)}
    end
  end
end
return false
`;

// KEYS: leases, state, decided, escalated queue. ARGV: now, statePrefix, queuePrefix, id, reviewer, decision,
// category, note.
const DECIDE = `
local st = KEYS[2]
if redis.call('HGET', st, 'status') ~= 'claimed' then return 'not_claimed' end
if redis.call('HGET', st, 'reviewer') ~= ARGV[5] then return 'not_yours' end
if tonumber(redis.call('HGET', st, 'leaseExpiresAt')) <= tonumber(ARGV[1]) then return 'lease_expired' end
redis.call('ZREM', KEYS[1], ARGV[4])
redis.call('HDEL', st, 'reviewer', 'leaseExpiresAt')
if ARGV[6] == 'escalate' then
  redis.call('HSET', st, 'status', 'queued', 'queue', 'escalated', 'enqueuedAt', ARGV[1], 'escalatedBy', ARGV[5])
  redis.call('ZADD', KEYS[4], ARGV[1], ARGV[4])
else
  redis.call('HSET', st, 'status', 'decided', 'decision', ARGV[6], 'category', ARGV[7], 'note', ARGV[8],
    'decidedBy', ARGV[5], 'decidedAt', ARGV[1])
  redis.call('ZADD', KEYS[3], ARGV[1], ARGV[4])
end
return 'ok'
`;

export interface QueueCount {
  readonly name: ReviewQueue;
  readonly count: number;
  /** Age of the oldest waiting incident; 0 when the queue is empty. */
  readonly oldestAgeSeconds: number;
}

/** Review state of an incident (the `state` hash). */
export interface ReviewState {
  readonly status: "queued" | "claimed" | "decided" | "duplicate" | "stored";
  readonly queue?: string;
  readonly reviewer?: string;
  readonly leaseExpiresAt?: number;
  readonly decision?: ReviewDecision;
  readonly category?: string;
  readonly note?: string;
  readonly decidedBy?: string;
  readonly decidedAt?: number;
  /** Set when the same conversation was filed within the dedupe window: the first incident's id. */
  readonly duplicateOf?: string;
  /** How many later duplicates were folded into this incident. */
  readonly duplicates?: number;
}

export interface IncidentView {
  readonly incident: StoredIncident;
  readonly review: ReviewState;
}

export type DecideOutcome = "ok" | "not_claimed" | "not_yours" | "lease_expired" | "not_found";
/** Whether a reviewer holds an incident's lease now: the outcomes a decision would have, short of deciding. */
export type LeaseOutcome = DecideOutcome;

export interface ReviewStore {
  queues(now?: number): Promise<QueueCount[]>;
  /** Claims the oldest incident of the first non-empty allowed queue; undefined when all are empty. */
  claim(o: {
    reviewer: string;
    queues: readonly ReviewQueue[];
    now?: number;
  }): Promise<IncidentView | undefined>;
  get(id: string): Promise<IncidentView | undefined>;
  decide(o: {
    id: string;
    reviewer: string;
    decision: ReviewDecision;
    category?: string | undefined;
    note?: string | undefined;
    now?: number;
  }): Promise<DecideOutcome>;
  /** "ok" when `reviewer` holds the incident's unexpired lease (the guard of every action on an incident). */
  holdsLease(o: { id: string; reviewer: string; now?: number }): Promise<LeaseOutcome>;
}

export interface ReviewStoreOptions {
  redis: RedisClient;
  keys: RedisKeys;
  leaseSeconds: number;
}

function toState(h: Record<string, string>): ReviewState {
  const num = (v: string | undefined): number | undefined =>
    v === undefined || v === "" ? undefined : Number(v);
  const out: Record<string, unknown> = { status: h.status ?? "stored" };
  for (const f of [
    "queue",
    "reviewer",
    "decision",
    "category",
    "note",
    "decidedBy",
    "duplicateOf",
  ] as const) {
    if (h[f] !== undefined && h[f] !== "") out[f] = h[f];
  }
  const lease = num(h.leaseExpiresAt);
  const decidedAt = num(h.decidedAt);
  if (lease !== undefined) out.leaseExpiresAt = lease;
  if (decidedAt !== undefined) out.decidedAt = decidedAt;
  const duplicates = num(h.duplicates);
  if (duplicates !== undefined) out.duplicates = duplicates;
  return out as unknown as ReviewState;
}

/** Creates the store over an ioredis command connection. */
export function createReviewStore({ redis, keys, leaseSeconds }: ReviewStoreOptions): ReviewStore {
  const statePrefix = keys.state("");
  const queuePrefix = keys.reviewQueue("");

  async function get(id: string): Promise<IncidentView | undefined> {
    const [raw, state] = await Promise.all([redis.get(keys.incident(id)), redis.hgetall(keys.state(id))]);
    if (raw === null) return undefined;
    return { incident: storedIncidentSchema.parse(JSON.parse(raw)), review: toState(state) };
  }

  return {
    async queues(now = Date.now()) {
      await redis.eval(REQUEUE_EXPIRED, 1, keys.leases, String(now), statePrefix, queuePrefix);
      const pipe = redis.pipeline();
      for (const q of REVIEW_QUEUES) {
        pipe.zcard(keys.reviewQueue(q));
        pipe.zrange(keys.reviewQueue(q), "0", "0", "WITHSCORES");
      }
      const res = (await pipe.exec()) ?? [];
      return REVIEW_QUEUES.map((name, i) => {
        const count = Number(res[i * 2]?.[1] ?? 0);
        const oldest = res[i * 2 + 1]?.[1] as string[] | undefined;
        const at = oldest?.[1] !== undefined ? Number(oldest[1]) : now;
        return { name, count, oldestAgeSeconds: count > 0 ? Math.max(0, Math.round((now - at) / 1000)) : 0 };
      });
    },
    async claim({ reviewer, queues, now = Date.now() }) {
      const queueKeys = queues.map((q) => keys.reviewQueue(q));
      const args = [String(now), statePrefix, queuePrefix, String(leaseSeconds * 1000), reviewer];
      const r = (await redis.eval(CLAIM, 1 + queueKeys.length, keys.leases, ...queueKeys, ...args)) as
        [string, string] | null;
      if (!r) return undefined;
      return get(r[0]);
    },
    get,
    async decide({ id, reviewer, decision, category, note, now = Date.now() }) {
      if ((await redis.exists(keys.incident(id))) === 0) return "not_found";
      const k = [keys.leases, keys.state(id), keys.decided, keys.reviewQueue("escalated")];
      const args = [
        String(now),
        statePrefix,
        queuePrefix,
        id,
        reviewer,
        decision,
        category ?? "",
        note ?? "",
      ];
      return (await redis.eval(DECIDE, k.length, ...k, ...args)) as DecideOutcome;
    },
    async holdsLease({ id, reviewer, now = Date.now() }) {
      const [exists, [status, holder, lease]] = await Promise.all([
        redis.exists(keys.incident(id)),
        redis.hmget(keys.state(id), "status", "reviewer", "leaseExpiresAt"),
      ]);
      if (exists === 0) return "not_found";
      if (status !== "claimed") return "not_claimed";
      if (holder !== reviewer) return "not_yours";
      return Number(lease) > now ? "ok" : "lease_expired";
    },
  };
}
