/**
 * The enforcement processor: strikes (blocked requests, reviewer-confirmed violations) accumulate per key with
 * exponential decay; crossing the throttle threshold throttles the key (429 in its dialect) for a while, crossing
 * the suspend threshold suspends it (403) and queues the webhook. Status changes are published on the sync
 * channel, so every gateway replica applies them within the pub/sub latency.
 */
import { UnrecoverableError, type Job, type JobsOptions, type Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Counter } from "prom-client";
import { keyStatusOverrideSchema, type KeyStatusOverride } from "../../contracts/admin.ts";
import type { AuditLog } from "../../contracts/audit-log.ts";
import {
  DECISION_JOB,
  decisionJobSchema,
  STRIKE_JOB,
  strikeJobSchema,
  WEBHOOK_JOB,
  webhookJobSchema,
  type StrikeJob,
  type WebhookJob,
} from "../../contracts/incident.ts";
import type { RedisKeys } from "../../contracts/redis-keys.ts";

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

async function currentOverride(o: EnforcementOptions, keyId: string): Promise<KeyStatusOverride | undefined> {
  const raw = await o.redis.hget(o.keys.keyStatus, keyId);
  if (raw === null) return undefined;
  const r = keyStatusOverrideSchema.safeParse(JSON.parse(raw));
  return r.success ? r.data : undefined;
}

async function setStatus(o: EnforcementOptions, keyId: string, ov: KeyStatusOverride): Promise<void> {
  await o.redis.hset(o.keys.keyStatus, keyId, JSON.stringify(ov));
  await o.redis.publish(o.keys.events, "keys");
  await o.audit.append({
    actor: "enforcement",
    role: "system",
    action: `key.${ov.status === "suspended" ? "suspend" : "throttle"}`,
    target: keyId,
    details: {
      reason: ov.reason,
      ...(ov.until !== undefined ? { until: new Date(ov.until).toISOString() } : {}),
    },
  });
}

async function strike(o: EnforcementOptions, job: StrikeJob, now = Date.now()): Promise<string> {
  const s = o.settings;
  const zkey = o.keys.strikes(job.keyId);
  const halfLifeMs = s.decayHours * 3_600_000;
  await o.redis.zadd(zkey, "NX", now, `${job.kind}:${job.incidentId}`);
  await o.redis.zremrangebyscore(zkey, "-inf", now - 10 * halfLifeMs);
  await o.redis.pexpire(zkey, Math.ceil(10 * halfLifeMs));
  const raw = await o.redis.zrange(zkey, "0", "-1", "WITHSCORES");
  const strikes: { kind: string; at: number }[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    strikes.push({ kind: (raw[i] ?? "").split(":")[0] ?? "", at: Number(raw[i + 1]) });
  // Rounded so strikes from a few milliseconds ago still count fully against an integer threshold.
  const total = Math.round(decayedTotal(strikes, s, now) * 1000) / 1000;
  const current = await currentOverride(o, job.keyId);
  const locked = current?.status === "suspended" || current?.status === "revoked";
  if (locked) return "already-suspended";
  const reason = `${total.toFixed(2)} decayed strikes (latest: ${job.kind} ${job.incidentId})`;
  const at = new Date(now).toISOString();
  if (total >= s.thresholds.suspend) {
    await setStatus(o, job.keyId, { status: "suspended", reason, by: "enforcement", at });
    if (s.webhookUrl !== undefined) {
      const body: WebhookJob = {
        event: "key.suspended",
        keyId: job.keyId,
        tenant: job.tenant,
        strikes: total,
        incidentId: job.incidentId,
        at,
      };
      await o.queue.add(WEBHOOK_JOB, body, {
        jobId: `webhook-${job.keyId}-${now}`,
        attempts: 8,
        backoff: { type: "exponential", delay: 2_000 },
        ...o.jobOptions,
      });
    }
    return "suspended";
  }
  const throttledNow = current?.status === "throttled" && (current.until ?? Infinity) > now;
  if (total >= s.thresholds.throttle && !throttledNow) {
    await setStatus(o, job.keyId, {
      status: "throttled",
      until: now + s.throttleSeconds * 1000,
      reason,
      by: "enforcement",
      at,
    });
    return "throttled";
  }
  return "counted";
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
        o.decisions.inc({ decision: r.data.decision });
        if (r.data.decision !== "violation" || r.data.keyId === "") return "counted";
        return strike(o, {
          keyId: r.data.keyId,
          tenant: r.data.tenant,
          incidentId: r.data.incidentId,
          kind: "violation",
        });
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
