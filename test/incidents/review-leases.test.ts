/**
 * Review queues against the real test Redis: intake routing and dedupe, concurrent claims (no incident held by two
 * reviewers), lease expiry returning the incident to its queue, and decisions guarded by the lease.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ENFORCEMENT_QUEUE } from "../../contracts/incident.ts";
import { redisKeys } from "../../contracts/redis-keys.ts";
import { createReviewStore } from "../../gateway/review/review-store.ts";
import { storeIncident, type IntakeOptions } from "../../workers/intake/intake.ts";
import { prepareIncident } from "../../workers/intake/prepare.ts";
import { createRedactor } from "../../workers/intake/redact.ts";
import { uniquePrefix } from "../helpers/review.ts";
import { cbrnEvent } from "./fixtures.ts";

const redact = createRedactor({ emails: true, cards: true, phones: true, patterns: [] });

describe("review leases", () => {
  let redis: Redis;
  let enforcement: Queue;
  let intake: IntakeOptions;
  let keys: ReturnType<typeof redisKeys>;

  beforeAll(() => {
    redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
    const prefix = uniquePrefix();
    keys = redisKeys(prefix);
    enforcement = new Queue(ENFORCEMENT_QUEUE, { connection: redis, prefix });
    intake = { redis, keys, redact, retentionDays: 1, dedupeWindowSeconds: 60, enforcement, jobOptions: {} };
  });
  afterAll(async () => {
    await enforcement.close();
    redis.disconnect();
  });

  const file = (n: number) =>
    storeIncident(intake, prepareIncident(cbrnEvent(n), { redact, source: "gateway" }));

  it("files each incident once, redacted, and folds duplicates of the same conversation", async () => {
    const e = cbrnEvent(100);
    expect(await storeIncident(intake, prepareIncident(e, { redact, source: "gateway" }))).toBe("queued");
    expect(await storeIncident(intake, prepareIncident(e, { redact, source: "gateway" }))).toBe("exists");
    const again = { ...e, id: `${e.id}-retry`, requestId: "other" };
    expect(await storeIncident(intake, prepareIncident(again, { redact, source: "gateway" }))).toBe(
      "duplicate",
    );
    const stored = await redis.get(keys.incident(e.id));
    expect(stored).toContain("[EMAIL]");
    expect(stored).not.toContain("@example.com");
    expect(await redis.zscore(keys.reviewQueue("cbrn"), again.id)).toBeNull();
    await redis.del(keys.reviewQueue("cbrn"));
  });

  it("never gives one incident to two reviewers, even when they claim at once", async () => {
    const store = createReviewStore({ redis, keys, leaseSeconds: 60 });
    for (let n = 0; n < 3; n++) await file(n);
    const reviewers = Array.from({ length: 8 }, (_, i) => `rev-${i}`);
    const views = await Promise.all(reviewers.map((r) => store.claim({ reviewer: r, queues: ["cbrn"] })));
    const claimed = views.filter((v) => v !== undefined);
    expect(claimed).toHaveLength(3);
    expect(new Set(claimed.map((v) => v.incident.id)).size).toBe(3);
    for (const v of claimed) expect(v.review.status).toBe("claimed");
    expect((await store.queues()).find((q) => q.name === "cbrn")?.count).toBe(0);
  });

  it("returns an expired claim to its queue; the old holder can no longer decide it", async () => {
    const store = createReviewStore({ redis, keys, leaseSeconds: 1 });
    await redis.del(keys.reviewQueue("cbrn"), keys.leases);
    await file(50);
    const t0 = Date.now();
    const first = await store.claim({ reviewer: "alice", queues: ["cbrn"], now: t0 });
    expect(first).toBeDefined();
    const id = first?.incident.id ?? "";
    // Still leased: nobody else gets it.
    expect(await store.claim({ reviewer: "bob", queues: ["cbrn"], now: t0 + 500 })).toBeUndefined();
    // Lease over: it is back in the queue, and bob gets it.
    const second = await store.claim({ reviewer: "bob", queues: ["cbrn"], now: t0 + 1_500 });
    expect(second?.incident.id).toBe(id);
    expect(await store.decide({ id, reviewer: "alice", decision: "benign", now: t0 + 1_600 })).toBe(
      "not_yours",
    );
    expect(await store.decide({ id, reviewer: "bob", decision: "benign", now: t0 + 1_600 })).toBe("ok");
    expect((await store.get(id))?.review).toMatchObject({
      status: "decided",
      decision: "benign",
      decidedBy: "bob",
    });
    expect(await store.decide({ id, reviewer: "bob", decision: "benign", now: t0 + 1_700 })).toBe(
      "not_claimed",
    );
  });

  it("escalation moves the incident to the admins' queue", async () => {
    const store = createReviewStore({ redis, keys, leaseSeconds: 60 });
    await file(60);
    const v = await store.claim({ reviewer: "carol", queues: ["cbrn"] });
    expect(await store.decide({ id: v?.incident.id ?? "", reviewer: "carol", decision: "escalate" })).toBe(
      "ok",
    );
    const again = await store.claim({ reviewer: "admin", queues: ["escalated"] });
    expect(again?.incident.id).toBe(v?.incident.id);
  });
});
