/**
 * The enforcement processor: strikes (blocked requests, reviewer-confirmed violations) accumulate with exponential
 * decay against a *subject*: the end user of the key when the incident names one (hashed, `client.endUser`), else
 * the key. Crossing the throttle threshold throttles the subject (429 with `Retry-After`) for a while, crossing the
 * suspend threshold suspends it (403) and queues the webhook. One abusive end user therefore never throttles the
 * other users of a shared key. Status changes are published on the sync channel (`keys` topic), so every gateway
 * replica applies them within the pub/sub latency.
 */
import { UnrecoverableError, type Job, type JobsOptions, type Queue } from "bullmq";
import type { Redis } from "ioredis";
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
  redis: Redis;
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

/** Decayed strike total: each strike weighs `weight * 0.5^(age / half-life)`. */
export function decayedTotal(
  strikes: readonly { kind: string; at: number }[],
  s: Pick<EnforcementSettings, "weights" | "decayHours">,
  now: number,
): number {
  const halfLife = s.decayHours * 3_600_000;
  return strikes.reduce((sum, st) => {
    const w = st.kind === "violation" ? s.weights.violation : s.weights.block;
    return sum + w * 0.5 ** (Math.max(0, now - st.at) / halfLife);
  }, 0);
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

async function currentOverride(o: EnforcementOptions, s: Subject): Promise<KeyStatusOverride | undefined> {
  const raw = await o.redis.hget(...statusSlot(o, s));
  if (raw === null) return undefined;
  const r = keyStatusOverrideSchema.safeParse(JSON.parse(raw));
  return r.success ? r.data : undefined;
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

async function setStatus(o: EnforcementOptions, s: Subject, ov: KeyStatusOverride): Promise<void> {
  const [hash, field] = statusSlot(o, s);
  await o.redis.hset(hash, field, JSON.stringify(ov));
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

/** Records the strike and returns the subject's decayed strike total. */
async function addStrike(o: EnforcementOptions, s: Subject, job: StrikeJob, now: number): Promise<number> {
  const zkey = strikesKey(o, s);
  const halfLifeMs = o.settings.decayHours * 3_600_000;
  await o.redis.zadd(zkey, "NX", now, `${job.kind}:${job.incidentId}`);
  await o.redis.zremrangebyscore(zkey, "-inf", now - 10 * halfLifeMs);
  await o.redis.pexpire(zkey, Math.ceil(10 * halfLifeMs));
  const raw = await o.redis.zrange(zkey, "0", "-1", "WITHSCORES");
  const strikes: { kind: string; at: number }[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    strikes.push({ kind: (raw[i] ?? "").split(":")[0] ?? "", at: Number(raw[i + 1]) });
  // Rounded so strikes from a few milliseconds ago still count fully against an integer threshold.
  return Math.round(decayedTotal(strikes, o.settings, now) * 1000) / 1000;
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
  const s = o.settings;
  const subject: Subject = { keyId: job.keyId, tenant: job.tenant, endUser: job.endUser };
  const total = await addStrike(o, subject, job, now);
  const current = await currentOverride(o, subject);
  const locked = current?.status === "suspended" || current?.status === "revoked";
  if (locked) return "already-suspended";
  const reason = `${total.toFixed(2)} decayed strikes (latest: ${job.kind} ${job.incidentId})`;
  const at = new Date(now).toISOString();
  if (total >= s.thresholds.suspend) {
    await setStatus(o, subject, { status: "suspended", reason, by: "enforcement", at });
    if (s.webhookUrl !== undefined) {
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
          at,
        },
        now,
      );
    }
    return "suspended";
  }
  const throttledNow = current?.status === "throttled" && (current.until ?? Infinity) > now;
  if (total >= s.thresholds.throttle && !throttledNow) {
    const until = now + s.throttleSeconds * 1000;
    await setStatus(o, subject, { status: "throttled", until, reason, by: "enforcement", at });
    return "throttled";
  }
  return "counted";
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
