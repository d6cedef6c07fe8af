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
import { createEnforcementProcessor } from "../../workers/enforcement/enforcement.ts";
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

  function processor(connection: Redis) {
    const decisions = new Counter({ name: "d2_total", help: "d", labelNames: ["decision"], registers: [] });
    return createEnforcementProcessor({
      redis: connection,
      keys,
      settings,
      audit: testAuditLog({ redis: connection, keys }),
      queue,
      decisions,
      jobOptions: {},
      sendWebhook: () => Promise.resolve(),
    });
  }
  const strikeJob = (keyId: string, incidentId: string) =>
    ({ name: STRIKE_JOB, data: { keyId, tenant: "acme", incidentId, kind: "block" } }) as Job;

  it("decays strikes with the configured half-life", async () => {
    const now = Date.now();
    const day = 24 * 3_600_000;
    // A violation a day old weighs 3 * 0.5 = 1.5, one two days old 0.75; with a fresh block: 3.25 >= 3.
    await redis.zadd(keys.strikes("k-decay"), now - day, "violation:old1", now - 2 * day, "violation:old2");
    expect(await processor(redis)(strikeJob("k-decay", "fresh"))).toBe("throttled");
    const status = JSON.parse((await redis.hget(keys.keyStatus, "k-decay")) ?? "{}") as { reason?: string };
    expect(status.reason).toBe("3.25 decayed strikes (latest: block fresh)");
    // Older than ten half-lives: pruned, and no longer counted.
    await redis.zadd(keys.strikes("k-old"), now - 11 * day, "violation:ancient");
    expect(await processor(redis)(strikeJob("k-old", "fresh"))).toBe("counted");
    expect(await redis.zrange(keys.strikes("k-old"), "0", "-1")).toEqual(["block:fresh"]);
  });

  it("loses no strike and no suspension when two workers count strikes for one key at once", async () => {
    const second = new Redis(inject("redisUrl"));
    try {
      const [a, b] = [processor(redis), processor(second)];
      const outcomes = await Promise.all(
        Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? a : b)(strikeJob("k-race", `r${i}`))),
      );
      expect(await redis.zcard(keys.strikes("k-race"))).toBe(24);
      // Exactly one strike crossed each threshold, and a late throttle never replaced the suspension.
      expect(outcomes.filter((o) => o === "throttled")).toHaveLength(1);
      expect(outcomes.filter((o) => o === "suspended")).toHaveLength(1);
      expect(JSON.parse((await redis.hget(keys.keyStatus, "k-race")) ?? "{}")).toMatchObject({
        status: "suspended",
      });
    } finally {
      second.disconnect();
    }
  });
});
