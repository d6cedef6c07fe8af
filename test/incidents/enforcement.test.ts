/**
 * Enforcement against the real test Redis: decayed strikes throttle then suspend a key, the suspension publishes a
 * key reload and queues the webhook, and strikes decay with their half-life.
 */
import { Queue, type Job } from "bullmq";
import { Redis } from "ioredis";
import { Counter, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { testAuditLog } from "../helpers/audit.ts";
import { ENFORCEMENT_QUEUE, STRIKE_JOB, WEBHOOK_JOB, type WebhookJob } from "../../contracts/incident.ts";
import { redisKeys } from "../../contracts/redis-keys.ts";
import { createEnforcementProcessor, decayedTotal } from "../../workers/enforcement/enforcement.ts";
import { uniquePrefix } from "../helpers/review.ts";

const settings = {
  weights: { block: 1, violation: 3 },
  thresholds: { throttle: 3, suspend: 6 },
  decayHours: 24,
  throttleSeconds: 300,
  webhookUrl: "http://hooks.invalid/suspended",
};

describe("enforcement", () => {
  let redis: Redis;
  let sub: Redis;
  let queue: Queue;
  const prefix = uniquePrefix();
  const keys = redisKeys(prefix);
  const sent: WebhookJob[] = [];
  const published: string[] = [];

  beforeAll(async () => {
    redis = new Redis(inject("redisUrl"));
    sub = new Redis(inject("redisUrl"));
    sub.on("message", (_c: string, m: string) => published.push(m));
    await sub.subscribe(keys.events);
    queue = new Queue(ENFORCEMENT_QUEUE, { connection: redis, prefix });
  });
  afterAll(async () => {
    await queue.close();
    sub.disconnect();
    redis.disconnect();
  });

  it("throttles at the first threshold and suspends at the second, with a webhook", async () => {
    const decisions = new Counter({
      name: "d_total",
      help: "d",
      labelNames: ["decision"],
      registers: [new Registry()],
    });
    const run = createEnforcementProcessor({
      redis,
      keys,
      settings,
      audit: testAuditLog({ redis, keys }),
      queue,
      decisions,
      jobOptions: {},
      sendWebhook: (_url, body) => {
        sent.push(body);
        return Promise.resolve();
      },
    });
    const strike = (n: number) =>
      run({
        name: STRIKE_JOB,
        data: { keyId: "k1", tenant: "acme", incidentId: `i${n}`, kind: "block" },
      } as Job);
    expect(await strike(1)).toBe("counted");
    expect(await strike(1)).toBe("counted"); // the same incident twice is one strike
    expect(await strike(2)).toBe("counted");
    expect(await strike(3)).toBe("throttled");
    expect(JSON.parse((await redis.hget(keys.keyStatus, "k1")) ?? "{}")).toMatchObject({
      status: "throttled",
    });
    const violation = await run({
      name: "decision",
      data: {
        incidentId: "i4",
        keyId: "k1",
        tenant: "acme",
        decision: "violation",
        category: "cbrn",
        reviewer: "r",
      },
    } as Job);
    expect(violation).toBe("suspended");
    expect(JSON.parse((await redis.hget(keys.keyStatus, "k1")) ?? "{}")).toMatchObject({
      status: "suspended",
    });
    expect(published).toContain("keys");
    const webhooks = await queue.getJobs(["waiting", "delayed", "prioritized"]);
    const hook = webhooks.find((j) => j.name === WEBHOOK_JOB);
    expect(hook?.data).toMatchObject({ event: "key.suspended", keyId: "k1", tenant: "acme" });
    expect(await run({ name: WEBHOOK_JOB, data: hook?.data as unknown } as Job)).toBe("sent");
    expect(sent).toHaveLength(1);
    expect(await strike(5)).toBe("already-suspended");
  });

  it("decays strikes with the configured half-life", () => {
    const now = Date.now();
    const day = 24 * 3_600_000;
    expect(decayedTotal([{ kind: "violation", at: now }], settings, now)).toBeCloseTo(3);
    expect(decayedTotal([{ kind: "violation", at: now - day }], settings, now)).toBeCloseTo(1.5);
    expect(decayedTotal([{ kind: "block", at: now - 2 * day }], settings, now)).toBeCloseTo(0.25);
  });
});
