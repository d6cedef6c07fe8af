/**
 * The gateway supervises its worker process: a worker that cannot start (its metrics port is taken by another
 * instance on the host) or that dies is restarted with backoff, and `/readyz` says not ready until a worker reports
 * ready again - the failure is never silent.
 */
import { readFileSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { startGateway, type RunningProcess } from "../helpers/processes.ts";
import { waitFor } from "../helpers/review.ts";

let gateway: RunningProcess | undefined;
let blocker: Server | undefined;

afterAll(async () => {
  await gateway?.stop();
  blocker?.close();
});

const readyz = async (): Promise<number> => (await fetch(`${gateway?.url ?? ""}/readyz`)).status;

/** Pids of the worker processes (`workers/main.ts`) whose parent is `pid`. */
function workerPids(parent: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
        return ppid === parent && cmd.includes("workers/main") ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
}

describe("worker supervision", () => {
  it("a worker whose metrics port is taken makes the gateway not ready, and recovers once the port is free", async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((res) => blocker?.listen(port, "127.0.0.1", res));
    gateway = await startGateway({ env: { PORTCULLIS_WORKER_METRICS_PORT: String(port) } });
    await waitFor(async () => (await readyz()) === 503, 15_000, 100);
    expect(gateway.output()).toContain("worker metrics port in use");
    expect(gateway.output()).toContain("worker process exited; restarting");

    await new Promise<void>((res) => blocker?.close(() => res()));
    await waitFor(async () => (await readyz()) === 200, 30_000, 200);
    expect(gateway.output()).toContain('"msg":"workers ready"');
  });

  it("a worker that dies is restarted; the gateway is not ready in between", async () => {
    const lock = readFileSync(`${gatewayDataDir()}/portcullis.lock`, "utf8");
    const [worker] = workerPids(Number(lock.trim()));
    if (worker === undefined) throw new Error("no worker process found");
    const readyLines = (): number => (gateway?.output().match(/"msg":"workers ready"/g) ?? []).length;
    const before = readyLines();
    process.kill(worker, "SIGKILL");
    await waitFor(async () => (await readyz()) === 503, 5_000, 20);
    await waitFor(async () => (await readyz()) === 200 && readyLines() > before, 30_000, 200);
    expect(workerPids(Number(lock.trim()))).not.toContain(worker);
  });
});

function gatewayDataDir(): string {
  const dir = (gateway as (RunningProcess & { dir?: string }) | undefined)?.dir;
  if (dir === undefined) throw new Error("gateway not started");
  return `${dir}/var`;
}
