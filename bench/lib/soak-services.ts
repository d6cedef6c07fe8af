/**
 * What the soak runs against: the demo upstream (a small per-token delay, so requests overlap as they do in front
 * of a real model) and one gateway as `npm start` runs it - with its supervised worker process and its embedded
 * `redis-server` (persistence on) - unlike the throughput runner, which measures the gateway alone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { SCORE_KEYS } from "../../classifiers/types.ts";
import { readPid } from "../../gateway/embedded/data-dir-lock.ts";
import { freePort, redisPasswordFile, redisPidFile } from "../../gateway/embedded/redis-child.ts";
import { hashKey } from "../../contracts/key-hash.ts";
import { spawnService, type ServiceProcess } from "./processes.ts";
import { benchGatewayConfig } from "./services.ts";

/** A second key whose policy flags (and lets through) what asl3 blocks: the soak's flagged traffic. */
export const FLAG_KEY = "bench-flag-key";

export interface SoakServices {
  upstream: ServiceProcess;
  gateway: ServiceProcess;
  /** The worker process's `/metrics` base URL. */
  workersUrl: string;
  /** The embedded Redis (its URL carries the password: never log it). */
  redisUrl: string;
  /** Current pids of the worker process and redis-server (re-read: a worker restart changes it). */
  pids(): { gateway: number; workers?: number; redis?: number };
  stop(): Promise<void>;
}

/** The soak's gateway config: the bench config plus the flagging key, enforcement out of the way, a free metrics port. */
export function soakGatewayConfig(
  upstreamUrl: string,
  dataDir: string,
  workerMetricsPort: number,
): Record<string, unknown> {
  const base = benchGatewayConfig(upstreamUrl, dataDir);
  // The levels asl3 blocks at (as in test/integration/metrics-coverage.test.ts), as flags.
  const flagOnly = Object.fromEntries(SCORE_KEYS.map((k) => [k, { flag: k === "harmful" ? 0.5 : 0.3 }]));
  return {
    ...base,
    keys: [
      ...(base.keys as unknown[]),
      { id: "bench-flag", sha256: hashKey(FLAG_KEY), tenant: "bench", policy: "flag" },
    ],
    policies: {
      ...(base.policies as Record<string, unknown>),
      flag: {
        preset: "asl3",
        version: "bench",
        stages: { prompt: { thresholds: flagOnly }, completion: { thresholds: flagOnly } },
      },
    },
    incidents: { workerMetricsPort },
    // Every block strikes the key; a soak of blocks must not throttle (429) or suspend (403) it. Strikes are
    // still written, so the enforcement worker does its real work.
    enforcement: { thresholds: { throttle: 1e9, suspend: 2e9 } },
  };
}

/** Child pids of `pid` (every thread's `children` file). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready in ${timeoutMs} ms`);
}

/** Starts the demo upstream and the gateway with its workers and Redis; stops what started when a step fails. */
export async function startSoakServices(o: { tokenDelayMs: number }): Promise<SoakServices> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-soak-"));
  const dataDir = join(dir, "var");
  const started: ServiceProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const upstream = await spawnService({
      name: "upstream",
      script: "gateway/embedded/demo-upstream/main.ts",
      args: ["--port", "0", "--token-delay-ms", String(o.tokenDelayMs), "--no-record"],
      ready: { kind: "url-line" },
    });
    started.push(upstream);
    const metricsPort = await freePort();
    const configPath = join(dir, "portcullis.yaml");
    writeFileSync(configPath, stringify(soakGatewayConfig(upstream.url, dataDir, metricsPort)));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const gateway = await spawnService({
      name: "gateway",
      script: "gateway/main.ts",
      env: { ...process.env, PORTCULLIS_CONFIG: configPath, PORT: String(port), PORTCULLIS_WORKERS: "1" },
      ready: { kind: "readyz", url },
      timeoutMs: 120_000,
    });
    started.push(gateway);
    const workersUrl = `http://127.0.0.1:${metricsPort}`;
    await waitFor("worker process", async () => (await fetch(`${workersUrl}/livez`)).ok, 120_000);
    const redisPort = /"redis":"127\.0\.0\.1:(\d+)"/.exec(gateway.output())?.[1];
    if (!redisPort) throw new Error(`the gateway started no embedded redis-server:\n${gateway.output()}`);
    const redisDir = join(dataDir, "redis");
    const password = readFileSync(redisPasswordFile(redisDir), "utf8").trim();
    const gatewayPid = gateway.child.pid ?? 0;
    return {
      upstream,
      gateway,
      workersUrl,
      redisUrl: `redis://:${password}@127.0.0.1:${redisPort}`,
      pids: () => {
        const workers = childrenOf(gatewayPid).find((p) => cmdline(p).includes("workers/main"));
        const redis = readPid(redisPidFile(redisDir));
        return {
          gateway: gatewayPid,
          ...(workers !== undefined ? { workers } : {}),
          ...(redis !== undefined ? { redis } : {}),
        };
      },
      stop,
    };
  } catch (e: unknown) {
    await stop();
    throw e;
  }
}
