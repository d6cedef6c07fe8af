/**
 * Enforcement per end user against the real test Redis: strikes that name an end user throttle and suspend that end
 * user of the key (never the key, never another end user), strikes without one still count against the key, a
 * reviewer's violation finds the end user in the stored incident, the audit log and Redis key names carry only the
 * hash, and the replicated key store answers the end user's status (and forgets it on reinstatement).
 */
import { Queue, type Job } from "bullmq";
import { Redis } from "ioredis";
import { Counter, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  DECISION_JOB,
  ENFORCEMENT_QUEUE,
  STRIKE_JOB,
  WEBHOOK_JOB,
  type StrikeJob,
} from "../../contracts/incident.ts";
import { endUserField, redisKeys } from "../../contracts/redis-keys.ts";
import { endUserHash } from "../../gateway/keys/end-user.ts";
import { createKeyAdmin } from "../../gateway/keys/key-admin.ts";
import { createRedisKeyStore } from "../../gateway/keys/redis-key-store.ts";
import { hashKey } from "../../contracts/key-hash.ts";
import { createEnforcementProcessor } from "../../workers/enforcement/enforcement.ts";
import { testAuditLog } from "../helpers/audit.ts";
import { uniquePrefix } from "../helpers/review.ts";

const settings = {
  weights: { block: 1, violation: 3 },
  thresholds: { throttle: 3, suspend: 6 },
  decayHours: 24,
  throttleSeconds: 300,
  webhookUrl: "http://hooks.invalid/suspended",
};

describe("enforcement per end user", () => {
  let redis: Redis;
  let queue: Queue;
  let run: (job: Job) => Promise<string>;
  const prefix = uniquePrefix();
  const keys = redisKeys(prefix);
  const alice = endUserHash("k1", "alice@example.com");
  const bob = endUserHash("k1", "bob@example.com");
  let n = 0;
  const strike = (o: Partial<StrikeJob> = {}) =>
    run({
      name: STRIKE_JOB,
      data: { keyId: "k1", tenant: "acme", incidentId: `i${++n}`, kind: "block", ...o },
    } as Job);

  beforeAll(() => {
    redis = new Redis(inject("redisUrl"));
    queue = new Queue(ENFORCEMENT_QUEUE, { connection: redis, prefix });
    const decisions = new Counter({
      name: "d_total",
      help: "d",
      labelNames: ["decision"],
      registers: [new Registry()],
    });
    run = createEnforcementProcessor({
      redis,
      keys,
      settings,
      audit: testAuditLog({ redis, keys }),
      queue,
      decisions,
      jobOptions: {},
      sendWebhook: () => Promise.resolve(),
    });
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
  });

  it("throttles the end user, not the key nor the key's other end users", async () => {
    expect(await strike({ endUser: alice })).toBe("counted");
    expect(await strike({ endUser: alice })).toBe("counted");
    expect(await strike({ endUser: bob })).toBe("counted");
    expect(await strike()).toBe("counted"); // no end user: the key's own count
    expect(await strike({ endUser: alice })).toBe("throttled");
    expect(await redis.hget(keys.keyStatus, "k1")).toBeNull();
    const status = JSON.parse((await redis.hget(keys.endUserStatus, endUserField("k1", alice))) ?? "{}") as {
      until?: number;
    };
    expect(status).toMatchObject({ status: "throttled", by: "enforcement" });
    expect(status.until).toBeGreaterThan(Date.now() + 290_000);
    expect(await redis.hget(keys.endUserStatus, endUserField("k1", bob))).toBeNull();
    expect(await redis.zcard(keys.strikes("k1"))).toBe(1);
    expect(await redis.zcard(keys.endUserStrikes("k1", alice))).toBe(3);
  });

  it("suspends the end user on a reviewer's violation, finding the end user in the stored incident", async () => {
    await redis.set(keys.incident("i-rev"), JSON.stringify({ id: "i-rev", client: { endUser: alice } }));
    const outcome = await run({
      name: DECISION_JOB,
      data: { incidentId: "i-rev", keyId: "k1", tenant: "acme", decision: "violation", reviewer: "r" },
    } as Job);
    expect(outcome).toBe("suspended");
    expect(
      JSON.parse((await redis.hget(keys.endUserStatus, endUserField("k1", alice))) ?? "{}"),
    ).toMatchObject({
      status: "suspended",
    });
    expect(await redis.hget(keys.keyStatus, "k1")).toBeNull();
    const hooks = (await queue.getJobs(["waiting", "delayed", "prioritized"])).filter(
      (j) => j.name === WEBHOOK_JOB,
    );
    expect(hooks.map((j) => j.data as unknown)).toContainEqual(
      expect.objectContaining({ event: "end_user.suspended", keyId: "k1", endUser: alice }),
    );
    expect(await strike({ endUser: alice })).toBe("already-suspended");
    expect(await strike({ endUser: bob })).toBe("counted");
  });

  it("audits with the hashed end user only, and keeps raw ids out of every Redis key", async () => {
    const entries = (await redis.lrange(keys.audit, 0, -1)).map(
      (l) => JSON.parse(l) as { action: string; target: string; details: Record<string, unknown> },
    );
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(["end_user.throttle", "end_user.suspend"]);
    for (const e of entries) expect(e).toMatchObject({ target: "k1", details: { endUser: alice } });
    const all = [...(await redis.lrange(keys.audit, 0, -1)), ...(await redis.keys(`${prefix}*`))].join("\n");
    expect(all).not.toContain("alice");
  });

  it("replicates the end user's status to the key store; reinstating clears status and strikes", async () => {
    const store = createRedisKeyStore({
      configKeys: [
        { id: "k1", sha256: hashKey("x"), tenant: "acme", policy: "p", scopes: ["chat"], status: "active" },
      ],
      redis,
      keys,
    });
    await store.reload();
    expect(store.endUserStatus("k1", alice)).toEqual({ status: "suspended" });
    expect(store.endUserStatus("k1", bob)).toBeUndefined();
    expect(store.endUserStatus("k2", alice)).toBeUndefined();
    expect(store.byId("k1")?.status).toBe("active");

    const admin = createKeyAdmin({ redis, keys, publish: () => Promise.resolve() });
    const until = Date.now() + 60_000;
    await admin.setEndUserStatus("k1", bob, { status: "throttled", reason: "t", by: "admin", until });
    await store.reload();
    expect(store.endUserStatus("k1", bob)).toEqual({ status: "throttled", until });
    expect(store.endUserStatus("k1", bob, until + 1)).toBeUndefined(); // a throttle lapses

    await admin.setEndUserStatus("k1", alice, { status: "active", reason: "appeal", by: "admin" });
    await store.reload();
    expect(store.endUserStatus("k1", alice)).toBeUndefined();
    expect(await redis.exists(keys.endUserStrikes("k1", alice))).toBe(0);
  });

  it("reinstating a key clears its strikes too, so the next block does not throttle it again at once", async () => {
    for (let i = 0; i < 3; i++) await strike({ keyId: "k3" });
    expect(await redis.zcard(keys.strikes("k3"))).toBe(3);
    const admin = createKeyAdmin({ redis, keys, publish: () => Promise.resolve() });
    await admin.setStatus("k3", { status: "active", reason: "appeal", by: "admin" });
    expect(await redis.exists(keys.strikes("k3"))).toBe(0);
    expect(await strike({ keyId: "k3" })).toBe("counted");
  });

  it("prunes lapsed end-user throttles when it sets a new status", async () => {
    const lapsed = endUserHash("k1", "carol");
    await redis.hset(
      keys.endUserStatus,
      endUserField("k1", lapsed),
      JSON.stringify({
        status: "throttled",
        until: Date.now() - 1,
        reason: "old",
        by: "enforcement",
        at: "x",
      }),
    );
    const dave = endUserHash("k1", "dave");
    for (let i = 0; i < 3; i++) await strike({ endUser: dave });
    expect(await redis.hget(keys.endUserStatus, endUserField("k1", lapsed))).toBeNull();
    expect(await redis.hget(keys.endUserStatus, endUserField("k1", dave))).not.toBeNull();
  });
});
