/**
 * Readiness through a Redis outage, with real processes on a private redis-server that the test kills (SIGKILL) and
 * starts again on the same port: the worker process's `/readyz` is 200, then 503 naming Redis while it is gone, then
 * 200 again once its connection and every queue worker are back (its `/livez` stays 200 throughout). A gateway with
 * `server.readyWhenRedisDown: false` follows Redis the same way; one with the default keeps answering 200, since it
 * serves through an outage on its spool.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { startGateway, startWorkers, testConfig, type RunningProcess } from "../helpers/processes.ts";
import { killRedisServer, startRedisServer } from "../helpers/redis-server.ts";
import { uniquePrefix, waitFor } from "../helpers/review.ts";

interface Probe {
  status: number;
  body: { status?: string; reason?: string };
}

async function probe(url: string): Promise<Probe> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Probe["body"] };
}

describe("readiness through a Redis outage", () => {
  let redis: ChildProcess;
  let port = 0;
  const dir = mkdtempSync(join(tmpdir(), "portcullis-readiness-"));
  let workers: RunningProcess;
  let following: RunningProcess;
  let serving: RunningProcess;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedisServer({ port, dir });
    const config = (server: Record<string, unknown>) =>
      testConfig("http://127.0.0.1:9", {
        server,
        redis: { url: `redis://127.0.0.1:${port}`, prefix: uniquePrefix() },
      });
    workers = await startWorkers({ config: config({}) });
    following = await startGateway({ config: config({ readyWhenRedisDown: false }), args: ["--no-workers"] });
    serving = await startGateway({ config: config({}), args: ["--no-workers"] });
  });
  afterAll(async () => {
    await workers?.stop();
    await following?.stop();
    await serving?.stop();
    if (redis) await killRedisServer(redis);
  });

  const urls = () => ({
    workers: `${workers.url}/readyz`,
    following: `${following.url}/readyz`,
    serving: `${serving.url}/readyz`,
  });

  /** Waits until every probe in `expected` answers that status. */
  async function until(expected: Partial<Record<keyof ReturnType<typeof urls>, number>>): Promise<void> {
    const all = urls();
    await waitFor(
      async () => {
        for (const [name, status] of Object.entries(expected))
          if ((await probe(all[name as keyof typeof all])).status !== status) return undefined;
        return true;
      },
      30_000,
      100,
    );
  }

  it("workers and a gateway that follows Redis go 503 while it is down and ready again after; the default gateway stays ready", async () => {
    await until({ workers: 200, following: 200, serving: 200 });
    expect((await probe(urls().workers)).body).toEqual({ status: "ready" });

    await killRedisServer(redis);
    await until({ workers: 503, following: 503 });
    expect((await probe(urls().workers)).body).toEqual({ status: "not ready", reason: "redis unavailable" });
    expect((await fetch(`${workers.url}/livez`)).status).toBe(200);
    expect((await probe(urls().serving)).status).toBe(200);

    redis = await startRedisServer({ port, dir });
    await until({ workers: 200, following: 200, serving: 200 });
  }, 90_000);
});
