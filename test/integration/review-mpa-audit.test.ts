/**
 * Multi-party authorization and the audit chain: a loosening policy change has no effect until a second, different
 * admin approves it; a tightening one applies at once; every step is in the hash-chained audit log, and altering
 * one entry makes `npm run audit:verify` fail.
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { redisKeys } from "../../contracts/redis-keys.ts";
import { startGateway, startDemoUpstreamProcess, type RunningProcess } from "../helpers/processes.ts";
import { api, CBRN_PROMPT, chat, incidentConfig, TOKENS, uniquePrefix, waitFor } from "../helpers/review.ts";

const ROOT = resolve(import.meta.dirname, "../..");

describe("policy changes with multi-party authorization, audited", () => {
  let upstream: RunningProcess;
  let gateway: RunningProcess & { dir: string };
  let redis: Redis;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    upstream = await startDemoUpstreamProcess();
    const config = incidentConfig(upstream.url, { redisUrl: inject("redisUrl"), prefix });
    gateway = await startGateway({ config, args: ["--no-workers"] });
    redis = new Redis(inject("redisUrl"));
  });
  afterAll(async () => {
    redis?.disconnect();
    await gateway?.stop();
    await upstream?.stop();
  });

  const verify = () =>
    spawnSync(resolve(ROOT, "node_modules/.bin/tsx"), ["workers/cli/audit-verify.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        REDIS_URL: inject("redisUrl"),
        PORTCULLIS_REDIS_PREFIX: prefix,
        // The gateway's data dir holds its audit key and checkpoint file.
        PORTCULLIS_DATA_DIR: join(gateway.dir, "var"),
      },
      encoding: "utf8",
    });

  it("applies a loosening change only after a second admin approves it", async () => {
    const blocked = async () => (await chat(gateway.url, { content: CBRN_PROMPT })).incident !== null;
    expect(await blocked()).toBe(true);

    const tighten = await api(gateway.url, TOKENS.admin, "POST", "/admin/api/policy-changes", {
      policy: "strict",
      reason: "flag cyber earlier",
      stages: { prompt: { thresholds: { cyber: { flag: 0.3 } } } },
    });
    expect(tighten.status).toBe(201);
    expect(tighten.body).toMatchObject({ status: "applied", loosening: [] });

    const req = await api(gateway.url, TOKENS.admin, "POST", "/admin/api/policy-changes", {
      policy: "strict",
      reason: "prompt stage too slow",
      stages: { prompt: { enabled: false } },
    });
    expect(req.status).toBe(201);
    const change = req.body as { id: string; status: string; loosening: string[] };
    expect(change.status).toBe("pending");
    expect(change.loosening).toContain("prompt stage disabled");
    // Not applied: still blocked, also after the sync latency.
    await new Promise((r) => setTimeout(r, 300));
    expect(await blocked()).toBe(true);

    const self = await api(
      gateway.url,
      TOKENS.admin,
      "POST",
      `/admin/api/policy-changes/${change.id}/approve`,
    );
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({ error: { code: "forbidden" } });
    const reviewer = await api(
      gateway.url,
      TOKENS.reviewer,
      "POST",
      `/admin/api/policy-changes/${change.id}/approve`,
    );
    expect(reviewer.status).toBe(403);
    expect(await blocked()).toBe(true);

    const ok = await api(
      gateway.url,
      TOKENS.admin2,
      "POST",
      `/admin/api/policy-changes/${change.id}/approve`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: "applied", approvedBy: "admin-2" });
    await waitFor(async () => !(await blocked()), 1_000, 20);
  });

  it("records every step in a hash chain that detects tampering", async () => {
    const audit = await api(gateway.url, TOKENS.admin, "GET", "/admin/api/audit");
    const actions = (audit.body as { action: string; actor: string }[]).map((e) => `${e.action}:${e.actor}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        "policy.change.applied:admin-1",
        "policy.change.requested:admin-1",
        "policy.change.approved:admin-2",
      ]),
    );
    const good = verify();
    expect(good.stdout).toContain("intact");
    expect(good.status).toBe(0);

    const keys = redisKeys(prefix);
    const first = (await redis.lindex(keys.audit, 1)) ?? "";
    const tampered = first.replace('"actor":"admin-1"', '"actor":"someone-else"');
    expect(tampered).not.toBe(first);
    await redis.lset(keys.audit, 1, tampered);
    const bad = verify();
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("entry 1");

    await redis.lset(keys.audit, 1, first);
    expect(verify().status).toBe(0);
    await redis.rpop(keys.audit);
    expect(verify().status).toBe(1);
  });
});
