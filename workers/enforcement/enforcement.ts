/**
 * The enforcement processor: strikes (blocked requests, reviewer-confirmed violations) accumulate with exponential
 * decay against a *subject*: the end user of the key when the incident names one (hashed, `client.endUser`), else
 * the key. Crossing the throttle threshold throttles the subject (429 with `Retry-After`) for a while, crossing the
 * suspend threshold suspends it (403) and queues the webhook. One abusive end user therefore never throttles the
 * other users of a shared key. Status changes are published on the sync channel (`keys` topic), so every gateway
 * replica applies them within the pub/sub latency.
 */
import { UnrecoverableError, type Job, type JobsOptions, type Queue } from "bullmq";
import type { RedisClient } from "../../contracts/redis-client.ts";
import type { Counter } from "prom-client";
import { keyStatusOverrideSchema, type KeyStatusOverride } from "../../contracts/admin.ts";
import type { AuditLog } from "../../contracts/audit-log.ts";
import { z } from "zod";
import {
  DECISION_JOB,
  decisionJobSchema,
  END_USER_HASH,
  STRIKE_JOB,
  strikeJobSchema,
  WEBHOOK_JOB,
  webhookJobSchema,
  type DecisionJob,
  type StrikeJob,
  type WebhookJob,
} from "../../contracts/incident.ts";
import { endUserField, type RedisKeys } from "../../contracts/redis-keys.ts";

/** The one field of a stored incident that decisions need (the rest is not parsed). */
const storedEndUserSchema = z.object({
  client: z.object({ endUser: z.string().regex(END_USER_HASH).optional() }),
});

export interface EnforcementSettings {
  weights: { block: number; violation: number };
  thresholds: { throttle: number; suspend: number };
  decayHours: number;
  throttleSeconds: number;
  webhookUrl?: string | undefined;
}

export interface EnforcementOptions {
  redis: RedisClient;
  keys: RedisKeys;
  settings: EnforcementSettings;
  audit: AuditLog;
  /** The enforcement queue itself (webhook jobs go back onto it). */
  queue: Queue;
  decisions: Counter<"decision">;
  jobOptions: Pick<JobsOptions, "removeOnComplete" | "removeOnFail">;
  /** Sends the webhook; injected so tests can observe it. */
  sendWebhook: (url: string, body: WebhookJob) => Promise<void>;
}

/** Whom a strike counts against: one end user (hashed) of a key, or the key itself when no end user was named. */
interface Subject {
  readonly keyId: string;
  readonly tenant: string;
  readonly endUser?: string | undefined;
}

function strikesKey(o: EnforcementOptions, s: Subject): string {
  return s.endUser === undefined ? o.keys.strikes(s.keyId) : o.keys.endUserStrikes(s.keyId, s.endUser);
}

/** The status hash and field of a subject. */
function statusSlot(o: EnforcementOptions, s: Subject): [hash: string, field: string] {
  return s.endUser === undefined
    ? [o.keys.keyStatus, s.keyId]
    : [o.keys.endUserStatus, endUserField(s.keyId, s.endUser)];
}

// Deletes end-user throttles that have lapsed (atomically, so a throttle written meanwhile is never lost); keeps
// the hash every replica reloads from growing with every throttle ever set. KEYS: status hash. ARGV: now ms.
const PRUNE_LAPSED = `
local h = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 1, #h, 2 do
  local ok, v = pcall(cjson.decode, h[i + 1])
  if ok and type(v) == 'table' and type(v['until']) == 'number' and v['until'] <= tonumber(ARGV[1]) then
    redis.call('HDEL', KEYS[1], h[i])
    n = n + 1
  end
end
return n
`;

/** After a status change: prune lapsed end-user throttles, tell every replica, and audit it. */
async function announceStatus(o: EnforcementOptions, s: Subject, ov: KeyStatusOverride): Promise<void> {
  const [hash] = statusSlot(o, s);
  if (s.endUser !== undefined) await o.redis.eval(PRUNE_LAPSED, 1, hash, String(Date.now()));
  await o.redis.publish(o.keys.events, "keys");
  const verb = ov.status === "suspended" ? "suspend" : "throttle";
  await o.audit.append({
    actor: "enforcement",
    role: "system",
    action: s.endUser === undefined ? `key.${verb}` : `end_user.${verb}`,
    target: s.keyId,
    details: {
      ...(s.endUser !== undefined ? { endUser: s.endUser } : {}),
      reason: ov.reason,
      ...(ov.until !== undefined ? { until: new Date(ov.until).toISOString() } : {}),
    },
  });
}

/**
 * Records a strike and decides the subject's status in one script, so two workers counting strikes for the same
 * subject at once can neither lose a strike nor overwrite each other's status (a throttle decided on a stale read
 * replacing a suspension). Each strike weighs `weight * 0.5^(age / half-life)`; strikes older than ten half-lives
 * are dropped. KEYS: strikes sorted set, status hash.
 * ARGV: now, member, half-life ms, block weight, violation weight, throttle threshold, suspend threshold, status
 * field, throttle until (ms), latest (`kind incidentId`), ISO time. Returns {outcome, total as string, the status
 * JSON it wrote (suspended / throttled only)}.
 */
const STRIKE = `
local now = tonumber(ARGV[1])
local half = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], 'NX', now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 10 * half)
redis.call('PEXPIRE', KEYS[1], math.ceil(10 * half))
local all = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local total = 0
for i = 1, #all, 2 do
  local w = tonumber(ARGV[4])
  if string.sub(all[i], 1, 10) == 'violation:' then w = tonumber(ARGV[5]) end
  total = total + w * 0.5 ^ (math.max(0, now - tonumber(all[i + 1])) / half)
end
total = math.floor(total * 1000 + 0.5) / 1000
local current = redis.call('HGET', KEYS[2], ARGV[8])
local status, untilMs = nil, nil
if current then
  local ok, v = pcall(cjson.decode, current)
  if ok and type(v) == 'table' then status = v['status']; untilMs = v['until'] end
end
if status == 'suspended' or status == 'revoked' then return {'already-suspended', tostring(total)} end
local reason = string.format('%.2f decayed strikes (latest: %s)', total, ARGV[10])
if total >= tonumber(ARGV[7]) then
  local json = cjson.encode({status = 'suspended', reason = reason, by = 'enforcement', at = ARGV[11]})
  redis.call('HSET', KEYS[2], ARGV[8], json)
  return {'suspended', tostring(total), json}
end
local throttledNow = status == 'throttled' and (type(untilMs) ~= 'number' or untilMs > now)
if total >= tonumber(ARGV[6]) and not throttledNow then
  local json = cjson.encode({status = 'throttled', ['until'] = tonumber(ARGV[9]), reason = reason,
    by = 'enforcement', at = ARGV[11]})
  redis.call('HSET', KEYS[2], ARGV[8], json)
  return {'throttled', tostring(total), json}
end
return {'counted', tostring(total)}
`;

type StrikeOutcome = "already-suspended" | "suspended" | "throttled" | "counted";

/** Records the strike and applies the resulting status atomically (see `STRIKE`). */
async function addStrike(
  o: EnforcementOptions,
  s: Subject,
  job: StrikeJob,
  now: number,
): Promise<{ outcome: StrikeOutcome; total: number; override?: KeyStatusOverride }> {
  const [hash, field] = statusSlot(o, s);
  const until = now + o.settings.throttleSeconds * 1000;
  const [outcome, total, written] = (await o.redis.eval(
    STRIKE,
    2,
    strikesKey(o, s),
    hash,
    String(now),
    `${job.kind}:${job.incidentId}`,
    String(o.settings.decayHours * 3_600_000),
    String(o.settings.weights.block),
    String(o.settings.weights.violation),
    String(o.settings.thresholds.throttle),
    String(o.settings.thresholds.suspend),
    field,
    String(until),
    `${job.kind} ${job.incidentId}`,
    new Date(now).toISOString(),
  )) as [StrikeOutcome, string, string?];
  // What the script wrote, not a read-back: an admin's reinstatement in between must not be announced as ours.
  const parsed = written === undefined ? undefined : keyStatusOverrideSchema.safeParse(JSON.parse(written));
  return { outcome, total: Number(total), ...(parsed?.success ? { override: parsed.data } : {}) };
}

async function queueWebhook(o: EnforcementOptions, s: Subject, body: WebhookJob, now: number): Promise<void> {
  await o.queue.add(WEBHOOK_JOB, body, {
    jobId: `webhook-${s.keyId}-${s.endUser ?? "key"}-${now}`,
    attempts: 8,
    backoff: { type: "exponential", delay: 2_000 },
    ...o.jobOptions,
  });
}

async function strike(o: EnforcementOptions, job: StrikeJob, now = Date.now()): Promise<string> {
  const subject: Subject = { keyId: job.keyId, tenant: job.tenant, endUser: job.endUser };
  const { outcome, total, override } = await addStrike(o, subject, job, now);
  if (override !== undefined) await announceStatus(o, subject, override);
  if (outcome === "suspended" && o.settings.webhookUrl !== undefined) {
    await queueWebhook(
      o,
      subject,
      {
        event: job.endUser === undefined ? "key.suspended" : "end_user.suspended",
        keyId: job.keyId,
        ...(job.endUser !== undefined ? { endUser: job.endUser } : {}),
        tenant: job.tenant,
        strikes: total,
        incidentId: job.incidentId,
        at: new Date(now).toISOString(),
      },
      now,
    );
  }
  return outcome;
}

/** The hashed end user recorded in a stored incident (for decisions, whose job may not carry it). */
async function storedEndUser(o: EnforcementOptions, incidentId: string): Promise<string | undefined> {
  const raw = await o.redis.get(o.keys.incident(incidentId));
  if (raw === null) return undefined;
  const r = storedEndUserSchema.safeParse(JSON.parse(raw));
  return r.success ? r.data.client.endUser : undefined;
}

async function decide(o: EnforcementOptions, job: DecisionJob): Promise<string> {
  o.decisions.inc({ decision: job.decision });
  if (job.decision !== "violation" || job.keyId === "") return "counted";
  const endUser = job.endUser ?? (await storedEndUser(o, job.incidentId));
  return strike(o, {
    keyId: job.keyId,
    tenant: job.tenant,
    incidentId: job.incidentId,
    kind: "violation",
    ...(endUser !== undefined ? { endUser } : {}),
  });
}

/** The BullMQ processor for the enforcement queue. */
export function createEnforcementProcessor(o: EnforcementOptions): (job: Job) => Promise<string> {
  return async function enforce(job) {
    switch (job.name) {
      case STRIKE_JOB: {
        const r = strikeJobSchema.safeParse(job.data);
        if (!r.success) throw new UnrecoverableError("invalid strike payload");
        return strike(o, r.data);
      }
      case DECISION_JOB: {
        const r = decisionJobSchema.safeParse(job.data);
        if (!r.success) throw new UnrecoverableError("invalid decision payload");
        return decide(o, r.data);
      }
      case WEBHOOK_JOB: {
        const r = webhookJobSchema.safeParse(job.data);
        if (!r.success) throw new UnrecoverableError("invalid webhook payload");
        if (o.settings.webhookUrl === undefined) return "no-webhook";
        await o.sendWebhook(o.settings.webhookUrl, r.data);
        return "sent";
      }
      default:
        throw new UnrecoverableError(`unknown enforcement job "${job.name}"`);
    }
  };
}

/** POSTs the notice as JSON with a 5 s timeout; a non-2xx answer throws so BullMQ retries with backoff. */
export async function postWebhook(url: string, body: WebhookJob): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
}
