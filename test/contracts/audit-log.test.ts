/**
 * The audit log's key, MAC chain and checkpoints (issue 10, item 7) against a real Redis: the key file is generated
 * once with mode 0600 and never by verify; checkpoint files tolerate a torn last line; a log truncated and then
 * appended to again is still caught by the older checkpoint lines; a failed checkpoint write never loses the entry.
 */
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { verifyAuditChain } from "../../contracts/audit-chain.ts";
import { createCheckpointWriter, readCheckpoints } from "../../contracts/audit-checkpoint.ts";
import { auditPaths, loadAuditKey, openAuditSecrets } from "../../contracts/audit-key.ts";
import { createAuditLog } from "../../contracts/audit-log.ts";
import { redisKeys } from "../../contracts/redis-keys.ts";
import { TEST_AUDIT_KEY } from "../helpers/audit.ts";
import { uniquePrefix } from "../helpers/review.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "portcullis-audit-test-"));
const KEY = Buffer.from(TEST_AUDIT_KEY);

describe("audit key", () => {
  it("generates the default key file once, mode 0600, and reads the same key back", () => {
    const paths = auditPaths({ dataDir: tmp() });
    const first = loadAuditKey({ paths, create: true });
    expect(first.from).toBe("generated");
    expect(statSync(paths.keyFile).mode & 0o777).toBe(0o600);
    const again = loadAuditKey({ paths, create: true });
    expect(again).toMatchObject({ from: "file" });
    expect(again.key.equals(first.key)).toBe(true);
    expect(first.key.length).toBeGreaterThanOrEqual(32);
  });

  it("never generates for verify or at a configured path, and refuses short keys without echoing them", () => {
    const dataDir = tmp();
    expect(() => loadAuditKey({ paths: auditPaths({ dataDir }), create: false })).toThrow(/no audit key/);
    const configured = auditPaths({ dataDir, keyFile: join(dataDir, "mine") });
    expect(() => loadAuditKey({ paths: configured, create: true })).toThrow(/no audit key/);
    writeFileSync(join(dataDir, "mine"), "short-secret\n");
    expect(() => loadAuditKey({ paths: configured, create: true })).toThrow(/at least 32 characters/);
    expect(() => loadAuditKey({ paths: configured, create: true })).not.toThrow(/short-secret/);
    const env = loadAuditKey({ envKey: TEST_AUDIT_KEY, paths: configured, create: false });
    expect(env).toMatchObject({ from: "env" });
  });
});

describe("checkpoint files", () => {
  it("creates the file 0600 at once, skips a torn last line and reports any other bad line", async () => {
    const path = join(tmp(), "audit", "checkpoints.jsonl");
    const w = createCheckpointWriter(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readCheckpoints(path).checkpoints).toEqual([]);
    await w.record(1, "a".repeat(64));
    appendFileSync(path, "garbage\n");
    await w.record(2, "b".repeat(64));
    appendFileSync(path, '{"count":3,"ma');
    const read = readCheckpoints(path);
    expect(read.checkpoints.map((c) => [c.count, c.line])).toEqual([
      [1, 1],
      [2, 3],
    ]);
    expect(read.invalid).toEqual([`${path}:2: not a checkpoint`]);
    expect(() => readCheckpoints(join(tmp(), "none.jsonl"))).toThrow(/does not exist/);
  });
});

describe("audit log with MAC chain and checkpoints (real Redis)", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());

  function setup() {
    const keys = redisKeys(uniquePrefix());
    const secrets = openAuditSecrets({ envKey: TEST_AUDIT_KEY, dataDir: tmp() });
    const errors: unknown[] = [];
    const log = createAuditLog({ redis, keys, ...secrets, onCheckpointError: (e) => errors.push(e) });
    const add = (n: number) =>
      Array.from({ length: n }).reduce<Promise<unknown>>(
        (p, _, i) => p.then(() => log.append({ actor: "a", role: "admin", action: "x", target: `t${i}` })),
        Promise.resolve(),
      );
    const check = async () =>
      verifyAuditChain({
        lines: await redis.lrange(keys.audit, 0, -1),
        head: await redis.get(keys.auditHead),
        key: KEY,
        checkpoints: readCheckpoints(secrets.checkpoint.path).checkpoints,
      });
    return { keys, add, check, errors, path: secrets.checkpoint.path };
  }

  it("verifies clean, and catches a log truncated and then appended to again", async () => {
    const s = setup();
    await s.add(5);
    expect(await s.check()).toEqual([]);
    // Truncate to 3 with the head reset, then legitimate appends bring the count back to 5.
    const kept = await redis.lrange(s.keys.audit, 0, 2);
    const head = (JSON.parse(kept[2] ?? "") as { hash: string }).hash;
    await redis.multi().ltrim(s.keys.audit, 0, 2).set(s.keys.auditHead, head).exec();
    expect((await s.check()).map((p) => p.message).join("\n")).toMatch(
      /recorded 5 entries but the log has 3/,
    );
    await s.add(2);
    const problems = await s.check();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.index).toBe(3);
    expect(problems[0]?.message).toMatch(/entry differs from checkpoint/);
  });

  it("keeps the entry when the checkpoint cannot be written, and reports the failure", async () => {
    const keys = redisKeys(uniquePrefix());
    const errors: unknown[] = [];
    const broken = {
      path: "/nonexistent",
      record: () => Promise.reject(new Error("disk full")),
    };
    const log = createAuditLog({
      redis,
      keys,
      key: KEY,
      checkpoint: broken,
      onCheckpointError: (e) => errors.push(e),
    });
    const entry = await log.append({ actor: "a", role: "admin", action: "x", target: "t" });
    expect(entry.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(await redis.llen(keys.audit)).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it("writes no key material to Redis or the checkpoint file", async () => {
    const s = setup();
    await s.add(2);
    const stored = (await redis.lrange(s.keys.audit, 0, -1)).join("\n");
    expect(stored).not.toContain(TEST_AUDIT_KEY);
    expect(readFileSync(s.path, "utf8")).not.toContain(TEST_AUDIT_KEY);
    expect(s.errors).toEqual([]);
  });
});
