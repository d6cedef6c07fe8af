/**
 * The intake processor: validate (invalid -> `UnrecoverableError`, no retries), redact, persist once per incident
 * id with the retention TTL, index, dedupe (same key + conversation within the window), route to a review queue,
 * and queue a strike for blocked requests. The persist step is one Lua script, so a retried job either finds the
 * incident already stored or stores all of it.
 */
import { UnrecoverableError, type Job, type JobsOptions, type Queue } from "bullmq";
import type { RedisClient } from "../../contracts/redis-client.ts";
import {
  incidentEventSchema,
  STRIKE_JOB,
  type StoredIncident,
  type StrikeJob,
} from "../../contracts/incident.ts";
import type { RedisKeys } from "../../contracts/redis-keys.ts";
import { conversationHash, prepareIncident } from "./prepare.ts";
import type { Redactor } from "../../contracts/redact.ts";
import type { SpanLocator } from "./span.ts";

// KEYS: record, state, index, dedupe, queue. ARGV: record JSON, ttl s, now ms, id, dedupe ttl s, queue name,
// state prefix.
const PERSIST = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[2]) * 1000)
if ARGV[6] == '' then
  redis.call('HSET', KEYS[2], 'status', 'stored')
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  return {'stored'}
end
local first = ARGV[4]
if not redis.call('SET', KEYS[4], ARGV[4], 'NX', 'EX', ARGV[5]) then first = redis.call('GET', KEYS[4]) or ARGV[4] end
if first ~= ARGV[4] then
  redis.call('HSET', KEYS[2], 'status', 'duplicate', 'duplicateOf', first)
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  redis.call('HINCRBY', ARGV[7] .. first, 'duplicates', 1)
  return {'duplicate', first}
end
redis.call('HSET', KEYS[2], 'status', 'queued', 'queue', ARGV[6], 'enqueuedAt', ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[4])
return {'queued'}
`;

export type IntakeOutcome = "queued" | "stored" | "duplicate" | "exists";

export interface IntakeOptions {
  redis: RedisClient;
  keys: RedisKeys;
  redact: Redactor;
  retentionDays: number;
  dedupeWindowSeconds: number;
  /** The enforcement queue (strike jobs for blocked requests). */
  enforcement: Queue;
  jobOptions: Pick<JobsOptions, "removeOnComplete" | "removeOnFail">;
  /** Narrows the flagged span to where a rule matched. @defaultValue whole turn / cut-off completion part */
  locate?: SpanLocator;
}

/** Stores one incident; shared by the intake worker and the deep scan (which files hits after the fact). */
export async function storeIncident(o: IntakeOptions, record: StoredIncident): Promise<IntakeOutcome> {
  const ttl = Math.max(1, Math.round(o.retentionDays * 86_400));
  const k = o.keys;
  const queueKey = k.reviewQueue(record.queue ?? "none");
  const keys = [
    k.incident(record.id),
    k.state(record.id),
    k.index,
    k.dedupe(conversationHash(record)),
    queueKey,
  ];
  const args = [JSON.stringify(record), String(ttl), String(Date.now()), record.id];
  args.push(String(o.dedupeWindowSeconds), record.queue ?? "", k.state(""));
  const r = (await o.redis.eval(PERSIST, keys.length, ...keys, ...args)) as [IntakeOutcome, string?];
  if (record.action === "block") {
    const strike: StrikeJob = {
      keyId: record.keyId,
      tenant: record.tenant,
      incidentId: record.id,
      kind: "block",
      ...(record.client.endUser !== undefined ? { endUser: record.client.endUser } : {}),
    };
    await o.enforcement.add(STRIKE_JOB, strike, { jobId: `strike-block-${record.id}`, ...o.jobOptions });
  }
  return r[0];
}

/** The BullMQ processor for the incident queue. */
export function createIntakeProcessor(o: IntakeOptions): (job: Job) => Promise<IntakeOutcome> {
  return async function intake(job) {
    const parsed = incidentEventSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        `invalid incident payload: ${parsed.error.issues[0]?.message ?? "invalid"}`,
      );
    }
    const record = prepareIncident(parsed.data, { redact: o.redact, source: "gateway", locate: o.locate });
    return storeIncident(o, record);
  };
}
