/**
 * `contracts/redis-client.ts`: URL forms and modes, redaction of passwords in errors, and real connections to a
 * single node (the run's redis-server) and to a primary found through a real Redis Sentinel.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  connectRedis,
  createReplicationBarrier,
  parseRedisUrl,
  redactUrl,
  redisModeFromEnv,
  redisUsable,
  RedisUrlError,
  whenUsable,
} from "../../contracts/redis-client.ts";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { killRedisServer, startRedisSentinel, startRedisServer } from "../helpers/redis-server.ts";
import { waitFor } from "../helpers/review.ts";

describe("parseRedisUrl", () => {
  it("reads single-node, cluster and sentinel URLs", () => {
    expect(parseRedisUrl("redis://:s3cret@10.0.0.5:6380/2")).toEqual({
      mode: "single",
      nodes: [{ host: "10.0.0.5", port: 6380 }],
      username: undefined,
      password: "s3cret",
      tls: false,
      db: 2,
    });
    expect(parseRedisUrl("rediss+cluster://app:p%40ss@a:7000,b:7001,[::1]")).toMatchObject({
      mode: "cluster",
      nodes: [
        { host: "a", port: 7000 },
        { host: "b", port: 7001 },
        { host: "::1", port: 6379 },
      ],
      username: "app",
      password: "p@ss",
      tls: true,
    });
    expect(parseRedisUrl("redis+sentinel://s1:26379,s2:26379/mymaster")).toMatchObject({
      mode: "sentinel",
      sentinelName: "mymaster",
      nodes: [
        { host: "s1", port: 26379 },
        { host: "s2", port: 26379 },
      ],
    });
    // An explicit mode reads a plain URL's host list.
    expect(parseRedisUrl("redis://a:1,b:2", "cluster").mode).toBe("cluster");
  });

  it("reads a password holding '@' or '/' up to the last '@'", () => {
    expect(parseRedisUrl("redis://:p@ss/w%25rd@h:1")).toMatchObject({
      password: "p@ss/w%rd",
      nodes: [{ host: "h" }],
    });
  });

  it("refuses what it cannot connect to, without echoing the password", () => {
    const bad = [
      "http://a:1",
      "redis://a:1,b:2",
      "redis+sentinel://a:1",
      "redis+cluster://a:1/3",
      "redis://a:99999",
      "redis://:hunter2@a:1/x",
      "redis://:hun/ter2@@:1",
      "redis://:hunter2%zz@a:1",
      "redis://:hunter2@a:1/0?family=6",
    ];
    for (const url of bad) {
      expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
      try {
        parseRedisUrl(url);
      } catch (e: unknown) {
        expect((e as Error).message).not.toContain("hunter2");
      }
    }
    expect(redactUrl("redis://user:hunter2@a:1")).toBe("redis://***@a:1");
    expect(redactUrl("redis://:hun@ter/2@a:1")).toBe("redis://***@a:1");
    expect(() => parseRedisUrl("redis://h:1/0?family=6")).toThrow(/query parameters are not supported/);
    expect(redisModeFromEnv("cluster")).toBe("cluster");
    expect(redisModeFromEnv("")).toBeUndefined();
    expect(() => redisModeFromEnv("clustr")).toThrow(/single, cluster, sentinel/);
  });
});

describe("createReplicationBarrier", () => {
  it("runs one probe at a time and lets every caller that arrives meanwhile share the next one", async () => {
    let probes = 0;
    const release: (() => void)[] = [];
    const barrier = createReplicationBarrier(
      () =>
        new Promise<number>((res) => {
          probes++;
          release.push(() => res(probes));
        }),
    );
    const first = barrier();
    const joined = [barrier(), barrier(), barrier()];
    expect(probes).toBe(1);
    release.shift()?.();
    expect(await first).toBe(1);
    // The three callers that came while the first probe ran share one probe sent after it.
    await waitFor(() => Promise.resolve(release.length === 1), 1_000, 1);
    release.shift()?.();
    expect(await Promise.all(joined)).toEqual([2, 2, 2]);
    expect(probes).toBe(2);
  });
});

const SENTINEL_PASSWORD = "sentinel-007";

describe("connectRedis", () => {
  const children: ChildProcess[] = [];
  let sentinelPort = 0;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-sentinel-"));
    const primaryPort = await freePort();
    sentinelPort = await freePort();
    children.push(await startRedisServer({ port: primaryPort, dir }));
    // Sentinel rewrites its config file, so it gets its own writable one.
    const conf = join(dir, "sentinel.conf");
    writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor portcullis-primary 127.0.0.1 ${primaryPort} 1`,
        // The sentinels' own password, not the data nodes' (which have none here).
        `requirepass ${SENTINEL_PASSWORD}`,
        "",
      ].join("\n"),
    );
    children.push(await startRedisSentinel(conf));
  });
  afterAll(async () => {
    await Promise.all(children.map(killRedisServer));
  });

  it("talks to a single node", async () => {
    const r = connectRedis(parseRedisUrl(inject("redisUrl")), { maxRetriesPerRequest: 1 });
    try {
      await waitFor(() => Promise.resolve(redisUsable(r)), 5_000);
      await r.set("{t-client}:single", "1");
      expect(await r.get("{t-client}:single")).toBe("1");
    } finally {
      r.disconnect();
    }
  });

  it("finds the primary through Sentinel, with the sentinels' own password", async () => {
    const url = `redis+sentinel://127.0.0.1:${sentinelPort}/portcullis-primary`;
    const r = connectRedis(parseRedisUrl(url, undefined, { password: SENTINEL_PASSWORD }), {
      maxRetriesPerRequest: 1,
    });
    r.on("error", () => undefined);
    try {
      await waitFor(() => Promise.resolve(redisUsable(r)), 10_000);
      await r.set("{t-client}:sentinel", "ok");
      expect(await r.get("{t-client}:sentinel")).toBe("ok");
      expect(await r.info("replication")).toMatch(/role:master/);
    } finally {
      r.disconnect();
    }
  });

  it("does not reach the primary when the sentinels' password is missing", async () => {
    const url = `redis+sentinel://127.0.0.1:${sentinelPort}/portcullis-primary`;
    const r = connectRedis(parseRedisUrl(url), { maxRetriesPerRequest: 1 });
    r.on("error", () => undefined);
    try {
      expect(await whenUsable(r, 1_500)).toBe(false);
    } finally {
      r.disconnect();
    }
  });
});
