/**
 * The embedded redis-server (issue 10, items 8 and 12) with a real `redis-server`: it refuses clients without the
 * password, keeps the password in a 0600 file that a restart reuses, never shows it on its command line, and keeps
 * its data directory 0700 and its dump and AOF files 0600 (tightening what an older version left readable).
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import {
  redisPasswordFile,
  startRedisChild,
  type RedisChild,
} from "../../../gateway/embedded/redis-child.ts";

const mode = (path: string): number => statSync(path).mode & 0o777;

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)],
  );
}

function connect(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
  r.on("error", () => undefined);
  return r;
}

describe("embedded redis-server", () => {
  const started: RedisChild[] = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const r of started.splice(0)) await r.stop();
  });

  async function start(dataDir: string): Promise<RedisChild> {
    const r = await startRedisChild({ dataDir });
    started.push(r);
    return r;
  }

  it("requires the password and keeps it off the command line", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "portcullis-redis-")), "redis");
    const redis = await start(dir);
    const port = /:(\d+)$/.exec(redis.url)?.[1];
    const anonymous = connect(`redis://127.0.0.1:${port}`);
    clients.push(anonymous);
    await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);

    const password = readFileSync(redisPasswordFile(dir), "utf8").trim();
    expect(password).toMatch(/^[0-9a-f]{64}$/);
    expect(redis.url).toBe(`redis://:${password}@127.0.0.1:${redis.port}`);
    const wrong = connect(`redis://:not-it@127.0.0.1:${redis.port}`);
    clients.push(wrong);
    await expect(wrong.ping()).rejects.toThrow(/WRONGPASS|invalid/i);

    const client = connect(redis.url);
    clients.push(client);
    expect(await client.ping()).toBe("PONG");
    const info = await client.info("server");
    const pid = /process_id:(\d+)/.exec(info)?.[1];
    expect(pid).toBeDefined();
    expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).not.toContain(password);
  });

  it("keeps its data private and tightens what an older version left readable", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "portcullis-redis-")), "redis");
    const first = await start(dir);
    const client = connect(first.url);
    clients.push(client);
    await client.set("k", "v");
    await client.save();
    const written = files(dir);
    expect(written.map((f) => f.slice(dir.length))).toEqual(
      expect.arrayContaining(["/password", "/dump.rdb", expect.stringMatching(/^\/appendonlydir\/.+\.aof/)]),
    );
    expect(mode(dir)).toBe(0o700);
    for (const f of written) expect([f, mode(f)]).toEqual([f, 0o600]);

    client.disconnect();
    await first.stop();
    started.splice(0);
    // What a version without these modes left behind.
    chmodSync(dir, 0o755);
    chmodSync(join(dir, "appendonlydir"), 0o755);
    // (redis.pid is gone: the server removes it when it stops.)
    for (const f of written.filter((w) => !w.endsWith("/redis.pid"))) chmodSync(f, 0o644);

    const second = await start(dir);
    // Same data directory, same password; the data survived.
    expect(second.url.replace(/:\d+$/, "")).toBe(first.url.replace(/:\d+$/, ""));
    const again = connect(second.url);
    clients.push(again);
    expect(await again.get("k")).toBe("v");
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, "appendonlydir"))).toBe(0o700);
    for (const f of files(dir)) expect([f, mode(f)]).toEqual([f, 0o600]);
  });
});
