/**
 * Issue 10, item 7: an attacker with Redis access (and no audit key, no access to the data dir) truncates the newest
 * audit entries and resets the head, deletes the whole log, or rewrites an actor and recomputes the hash chain.
 * `npm run audit:verify` (the real CLI) catches each one; the untouched log, written by the gateway and by the worker
 * process (enforcement), verifies clean.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { auditEntrySchema, auditHash, type AuditEntry } from "../../contracts/audit-chain.ts";
import { redisKeys } from "../../contracts/redis-keys.ts";
import { startGateway, startDemoUpstreamProcess, type RunningProcess } from "../helpers/processes.ts";
import {
  api,
  CBRN_PROMPT,
  chat,
  incidentConfig,
  TOKENS,
  uniquePrefix,
  waitFor,
  workersReady,
} from "../helpers/review.ts";

const ROOT = resolve(import.meta.dirname, "../..");

describe("audit log tampering by a Redis-only attacker", () => {
  let upstream: RunningProcess;
  let gateway: RunningProcess & { dir: string };
  let redis: Redis;
  const prefix = uniquePrefix();
  const keys = redisKeys(prefix);
  let original: { lines: string[]; head: string | null } = { lines: [], head: null };

  const dataDir = () => join(gateway.dir, "var");
  const verify = (env: Record<string, string> = {}) =>
    spawnSync(resolve(ROOT, "node_modules/.bin/tsx"), ["workers/cli/audit-verify.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        REDIS_URL: inject("redisUrl"),
        PORTCULLIS_REDIS_PREFIX: prefix,
        PORTCULLIS_DATA_DIR: dataDir(),
        ...env,
      },
      encoding: "utf8",
    });
  const entries = async (): Promise<AuditEntry[]> =>
    (await redis.lrange(keys.audit, 0, -1)).map((l) => auditEntrySchema.parse(JSON.parse(l)));
  const store = async (lines: string[], head: string | null) => {
    const m = redis.multi().del(keys.audit, keys.auditHead);
    if (lines.length > 0) m.rpush(keys.audit, ...lines);
    if (head !== null) m.set(keys.auditHead, head);
    await m.exec();
  };

  beforeAll(async () => {
    upstream = await startDemoUpstreamProcess();
    gateway = await startGateway({
      config: incidentConfig(upstream.url, { redisUrl: inject("redisUrl"), prefix }),
    });
    redis = new Redis(inject("redisUrl"));
    await workersReady(gateway);
    // Entries from the gateway (admin actions) ...
    const admin = (path: string, body: unknown) => api(gateway.url, TOKENS.admin, "POST", path, body);
    expect((await admin("/admin/api/keys", { tenant: "acme", policy: "strict" })).status).toBe(201);
    const tighten = {
      policy: "strict",
      reason: "x",
      stages: { prompt: { thresholds: { cyber: { flag: 0.3 } } } },
    };
    expect((await admin("/admin/api/policy-changes", tighten)).status).toBe(201);
    // ... and from the worker process: three blocked requests throttle the key (an enforcement entry).
    for (let i = 0; i < 3; i++) await chat(gateway.url, { content: CBRN_PROMPT });
    await waitFor(
      async () => (await entries()).some((e) => e.actor === "enforcement") || undefined,
      20_000,
      100,
    );
    original = { lines: await redis.lrange(keys.audit, 0, -1), head: await redis.get(keys.auditHead) };
  }, 90_000);
  afterEach(async () => {
    await store(original.lines, original.head);
  });
  afterAll(async () => {
    redis?.disconnect();
    await gateway?.stop();
    await upstream?.stop();
  });

  it("verifies the untouched log, appended by two processes that checkpoint into one file", () => {
    const ok = verify();
    expect(ok.stdout).toContain(`audit log intact: ${original.lines.length} entries`);
    expect(ok.status).toBe(0);
    const lines = readFileSync(join(dataDir(), "audit", "checkpoints.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(lines).toHaveLength(original.lines.length);
    const pids = new Set(lines.map((l) => (JSON.parse(l) as { pid: number }).pid));
    expect(pids.size).toBe(2);
  });

  it("catches the newest entries removed with the head reset to the new last entry", async () => {
    const kept = original.lines.slice(0, -2);
    const last = auditEntrySchema.parse(JSON.parse(kept[kept.length - 1] ?? ""));
    await store(kept, last.hash);
    const bad = verify();
    expect(bad.stdout).toMatch(
      new RegExp(`recorded ${original.lines.length} entries but the log has ${kept.length}`),
    );
    expect(bad.status).toBe(1);
  });

  it("catches the whole log deleted", async () => {
    await store([], null);
    const bad = verify();
    expect(bad.stdout).toMatch(/but the log has 0 \(newest entries removed or the log deleted\)/);
    expect(bad.status).toBe(1);
  });

  it("catches an actor rewritten with the hash chain recomputed", async () => {
    const all = await entries();
    let prev = all[0]?.hash ?? "";
    const forged = all.map((e, i) => {
      if (i === 0) return e;
      const { hash: _h, mac, ...rest } = e;
      const body = { ...rest, prev, actor: i === 1 ? "someone-else" : e.actor };
      const hash = auditHash(body);
      prev = hash;
      return { ...body, hash, mac };
    });
    expect(forged[1]?.actor).toBe("someone-else");
    await store(
      forged.map((e) => JSON.stringify(e)),
      prev,
    );
    const bad = verify();
    // The hash chain itself is consistent again; only the MAC (and the checkpoints) give the rewrite away.
    expect(bad.stdout).not.toMatch(/hash does not match|prev does not match|chain head/);
    expect(bad.stdout).toMatch(/entry 1: MAC does not match/);
    expect(bad.status).toBe(1);
  });

  it("needs the key: none is a usage error, another key fails every entry", () => {
    const none = verify({ PORTCULLIS_DATA_DIR: join(gateway.dir, "elsewhere") });
    expect(none.stderr).toMatch(/no audit key/);
    expect(none.status).toBe(2);
    const other = verify({ PORTCULLIS_AUDIT_KEY: "x".repeat(40) });
    expect(other.stdout).toMatch(/entry 0: MAC does not match/);
    expect(other.status).toBe(1);
  });
});
