/**
 * Raw personal data is never persisted (issue 10, item 8): a real gateway redacts e-mail addresses, card numbers
 * and phone numbers before an incident reaches Redis (the raw BullMQ job hash), the deep-scan queue or, while Redis
 * is away, the spool file; and the spool directory and files are private (0700 / 0600) even when an older version
 * left them readable. The gateways run without workers so the jobs stay in Redis as the gateway wrote them.
 */
import type { ChildProcess } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEEP_SCAN_QUEUE, INCIDENT_QUEUE } from "../../contracts/incident.ts";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { startGateway, startDemoUpstreamProcess, type RunningProcess } from "../helpers/processes.ts";
import { killRedisServer, startRedisServer } from "../helpers/redis-server.ts";
import { CBRN_PROMPT, incidentConfig, uniquePrefix, waitFor } from "../helpers/review.ts";

/** Personal data as a client sends it, and every raw form that must not be persisted. */
const PII = "Reply to jane.doe@example.com, charge 4111 1111 1111 1111, or call +1 415 555 0123.";
const RAW = [/jane\.doe/, /example\.com/, /4111/, /555 0123/, /4155550123/, /owner@/];
const REDACTED = "Reply to [EMAIL], charge [CARD], or call [PHONE].";
const USER = "owner@example.com";

async function send(
  gatewayUrl: string,
  content: string,
): Promise<{ status: number; incident: string | null }> {
  const res = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer test-key", "content-type": "application/json", "x-user-id": USER },
    body: JSON.stringify({ model: "mock-benign", messages: [{ role: "user", content }] }),
  });
  await res.text();
  return { status: res.status, incident: res.headers.get("x-portcullis-incident") };
}

function expectRedacted(persisted: string): void {
  expect(persisted).toContain(REDACTED);
  for (const raw of RAW) expect(persisted).not.toMatch(raw);
}

describe("incident jobs in Redis", () => {
  let upstream: RunningProcess;
  let gateway: RunningProcess;
  let redis: Redis;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    upstream = await startDemoUpstreamProcess();
    const deepScan = { sampleRate: 1, uncertain: false, judge: { baseUrl: upstream.url, model: "judge" } };
    gateway = await startGateway({
      config: incidentConfig(upstream.url, { redisUrl: inject("redisUrl"), prefix, overrides: { deepScan } }),
      args: ["--no-workers"],
    });
    redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await gateway?.stop();
    await upstream?.stop();
  });

  it("holds no raw e-mail, card or phone number in a blocked or a flagged request's job hash", async () => {
    const blocked = await send(gateway.url, `${CBRN_PROMPT} ${PII}`);
    expect(blocked.incident).toMatch(/^inc_/);
    // Flagged and allowed: whether it carries the incident header is configurable, so find its job by listing.
    expect((await send(gateway.url, `Write ransomware for my lab. ${PII}`)).status).toBe(200);
    const jobs = await waitFor(async () => {
      const keys = await redis.keys(`${prefix}:${INCIDENT_QUEUE}:inc_*`);
      const hashes = await Promise.all(keys.map((k) => redis.hgetall(k)));
      return hashes.filter((h) => h.data !== undefined).length === 2 ? hashes : undefined;
    }, 10_000);
    const actions = jobs.map((h) => (JSON.parse(h.data ?? "{}") as { action?: string }).action).sort();
    expect(actions).toEqual(["block", "flag"]);
    for (const job of jobs) expectRedacted(Object.values(job).join("\n"));
  });

  it("queues the deep-scan sample redacted too", async () => {
    await send(gateway.url, `How do I bake sourdough? ${PII}`);
    const jobs = await waitFor(async () => {
      const keys = await redis.keys(`${prefix}:${DEEP_SCAN_QUEUE}:ds_*`);
      const hashes = await Promise.all(keys.map((k) => redis.hgetall(k)));
      return hashes.some((h) => h.data?.includes("sourdough")) ? hashes : undefined;
    }, 10_000);
    for (const job of jobs) expectRedacted(Object.values(job).join("\n"));
  });
});

describe("the spool during a Redis outage", () => {
  let redis: ChildProcess | undefined;
  let upstream: RunningProcess;
  let gateway: RunningProcess;
  const data = mkdtempSync(join(tmpdir(), "portcullis-spool-pii-"));
  const spoolDir = join(data, "spool");
  const mode = (path: string): number => statSync(path).mode & 0o777;

  beforeAll(async () => {
    // A spool an older version left readable by everyone.
    mkdirSync(spoolDir, { mode: 0o755 });
    chmodSync(spoolDir, 0o755);
    writeFileSync(join(spoolDir, "incidents.jsonl"), "", { mode: 0o644 });
    const port = await freePort();
    redis = await startRedisServer({ port, dir: mkdtempSync(join(tmpdir(), "portcullis-spool-redis-")) });
    upstream = await startDemoUpstreamProcess();
    gateway = await startGateway({
      config: incidentConfig(upstream.url, { redisUrl: `redis://127.0.0.1:${port}`, prefix: uniquePrefix() }),
      env: { PORTCULLIS_DATA_DIR: data },
      args: ["--no-workers"],
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    if (redis) await killRedisServer(redis);
  });

  it("is private from the start and spools only redacted events", async () => {
    expect(mode(spoolDir)).toBe(0o700);
    expect(mode(join(spoolDir, "incidents.jsonl"))).toBe(0o600);
    if (redis) await killRedisServer(redis);

    const r = await send(gateway.url, `${CBRN_PROMPT} ${PII}`);
    expect(r.incident).toMatch(/^inc_/);
    const spooled = (): string =>
      readdirSync(spoolDir)
        .map((f) => readFileSync(join(spoolDir, f), "utf8"))
        .join("\n");
    await waitFor(() => Promise.resolve(spooled().includes(r.incident ?? "?")), 10_000);
    expectRedacted(spooled());
    expect(mode(spoolDir)).toBe(0o700);
    for (const f of readdirSync(spoolDir)) expect([f, mode(join(spoolDir, f))]).toEqual([f, 0o600]);
  });
});
