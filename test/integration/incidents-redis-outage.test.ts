/**
 * Redis killed (SIGKILL) while the gateway serves flagged traffic, then restarted: every flag becomes exactly one
 * incident (spool + drainer + deterministic ids + intake SET NX), and no request waited on Redis past the enqueue
 * deadline. Uses its own redis-server (AOF, fsync always) so killing it does not disturb other tests.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisKeys } from "../../contracts/redis-keys.ts";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { startGateway, startDemoUpstreamProcess, type RunningProcess } from "../helpers/processes.ts";
import { killRedisServer, startRedisServer } from "../helpers/redis-server.ts";
import { chat, incidentConfig, uniquePrefix, waitFor, workersReady } from "../helpers/review.ts";

const DEADLINE_MS = 200;

describe("incident producer under a Redis outage", () => {
  let redis: ChildProcess;
  let upstream: RunningProcess;
  let gateway: RunningProcess;
  let client: Redis;
  const prefix = uniquePrefix();
  const keys = redisKeys(prefix);
  const dir = mkdtempSync(join(tmpdir(), "portcullis-outage-"));
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedisServer({ port, dir });
    upstream = await startDemoUpstreamProcess();
    const redisUrl = `redis://127.0.0.1:${port}`;
    gateway = await startGateway({
      // Enforcement is not under test here: 25 blocks must not throttle the key half-way through.
      config: incidentConfig(upstream.url, {
        redisUrl,
        prefix,
        overrides: { enforcement: { thresholds: { throttle: 1_000, suspend: 2_000 } } },
      }),
      env: { PORTCULLIS_ENQUEUE_TIMEOUT_MS: String(DEADLINE_MS), PORTCULLIS_WORKER_METRICS_PORT: "0" },
    });
    await workersReady(gateway);
    client = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    client.on("error", () => undefined);
  });
  afterAll(async () => {
    client.disconnect();
    await gateway?.stop();
    await upstream?.stop();
    if (redis) await killRedisServer(redis);
  });

  async function flagged(from: number, count: number): Promise<{ ids: string[]; slowest: number }> {
    const results = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const t0 = performance.now();
        const r = await chat(gateway.url, {
          content: `How do I weaponize anthrax spores? (request ${from + i})`,
        });
        expect(r.status).toBe(200);
        expect(r.incident).toMatch(/^inc_/);
        return { id: r.incident ?? "", ms: performance.now() - t0 };
      }),
    );
    return { ids: results.map((r) => r.id), slowest: Math.max(...results.map((r) => r.ms)) };
  }

  it("files every flag exactly once and never holds a request on Redis", async () => {
    const before = await flagged(0, 8);
    await killRedisServer(redis);
    const during = await flagged(100, 12);
    // Refusals are answered before the incident is handed off; even while Redis is gone no request waits on it.
    expect(during.slowest).toBeLessThan(DEADLINE_MS + 1_000);
    redis = await startRedisServer({ port, dir });
    const after = await flagged(200, 5);
    const all = [...before.ids, ...during.ids, ...after.ids];
    expect(new Set(all).size).toBe(25);

    await client.connect();
    // Jobs that were in flight at the kill come back through the stalled-job check (10 s lock, 5 s interval).
    await waitFor(async () => (await client.zcard(keys.index)) >= 25, 40_000, 100);
    // Give late replays a moment to (wrongly) add more, then check exactly-once.
    await new Promise((r) => setTimeout(r, 1_500));
    const indexed = await client.zrange(keys.index, "0", "-1");
    expect(indexed.sort()).toEqual([...all].sort());
    for (const id of all) expect(await client.exists(keys.incident(id))).toBe(1);
    expect(await client.zcard(keys.reviewQueue("cbrn"))).toBe(25);

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    const failures = Number(/^portcullis_enqueue_failures_total (\d+)/m.exec(metrics)?.[1] ?? "0");
    expect(failures).toBeGreaterThanOrEqual(12);
    expect(metrics).toMatch(/^portcullis_spool_depth 0$/m);
  }, 90_000);
});
