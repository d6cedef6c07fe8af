/**
 * Starts what the benchmark measures: the demo upstream (zero token delay, no recording), the bare baseline proxy,
 * and one gateway process per requested worker count, each with the full `asl3` policy and a bench key.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { hashKey } from "../../contracts/key-hash.ts";
import { spawnService, type ServiceProcess } from "./processes.ts";

/** The key the runner and the k6 scripts send by default. */
export const BENCH_KEY = "bench-key";

/** Stages switched off for an experiment (by default every stage of the preset is on). */
export type StagesOff = readonly ("prompt" | "conversation" | "completion")[];

/** A gateway config over the demo upstream: every stage of the `asl3` preset on (unless `off`), one bench key. */
export function benchGatewayConfig(
  upstreamUrl: string,
  dataDir: string,
  off: StagesOff = [],
): Record<string, unknown> {
  const stages = Object.fromEntries(off.map((s) => [s, { enabled: false }]));
  return {
    server: { host: "127.0.0.1" },
    dataDir,
    log: { level: "info" },
    upstreams: { mock: { baseUrl: upstreamUrl, dialect: "openai" } },
    routes: [{ match: "*", upstream: "mock" }],
    keys: [{ id: "bench", sha256: hashKey(BENCH_KEY), tenant: "bench", policy: "asl3" }],
    policies: { asl3: { preset: "asl3", version: "bench", ...(off.length > 0 ? { stages } : {}) } },
  };
}

export interface Services {
  upstream: ServiceProcess;
  baseline: ServiceProcess;
  /** Gateways by target name (`gateway` for one worker, `gateway-wN` otherwise). */
  gateways: Map<string, ServiceProcess>;
  stop(): Promise<void>;
}

export interface ServicesOptions {
  /** Worker settings, one gateway each: numbers or "auto". */
  workers: readonly string[];
  /** Node flags for the gateway processes (e.g. `--cpu-prof`). */
  gatewayNodeFlags?: string[];
  /** Extra environment for the gateways (e.g. `PORTCULLIS_MODELS_DIR`). */
  gatewayEnv?: NodeJS.ProcessEnv;
  /** Stages to switch off in the gateways' policy (experiments only; the runner measures every stage on). */
  stagesOff?: StagesOff;
}

/** The target name of a gateway with a worker setting. */
export function gatewayName(workers: string): string {
  return workers === "1" ? "gateway" : `gateway-w${workers}`;
}

async function startGateway(
  upstreamUrl: string,
  workers: string,
  opts: ServicesOptions,
): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-bench-"));
  const configPath = join(dir, "portcullis.yaml");
  writeFileSync(
    configPath,
    stringify(benchGatewayConfig(upstreamUrl, join(dir, "var"), opts.stagesOff ?? [])),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const g = await spawnService({
    name: gatewayName(workers),
    script: "gateway/main.ts",
    // No incident worker child: its enforcement would throttle the bench key for the deliberate harmful mix.
    args: ["--no-workers"],
    env: {
      ...process.env,
      ...opts.gatewayEnv,
      PORTCULLIS_CONFIG: configPath,
      PORT: String(port),
      PORTCULLIS_WORKERS: workers,
    },
    ...(opts.gatewayNodeFlags ? { nodeFlags: opts.gatewayNodeFlags } : {}),
    ready: { kind: "readyz", url },
    timeoutMs: 120_000,
  });
  // In cluster mode /readyz answers as soon as one worker is up; the primary logs once all of them listen.
  const deadline = Date.now() + 120_000;
  while (workers !== "1" && !/"workers":\d+,"msg":"listening"/.test(g.output())) {
    if (Date.now() > deadline)
      throw new Error(`${g.name}: not every worker started:\n${g.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return g;
}

/** Starts every service; stops the ones already started when a later one fails. */
export async function startServices(opts: ServicesOptions): Promise<Services> {
  const started: ServiceProcess[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((s) => s.stop()));
  };
  try {
    const upstream = await spawnService({
      name: "upstream",
      script: "gateway/embedded/demo-upstream/main.ts",
      args: ["--port", "0", "--token-delay-ms", "0", "--no-record"],
      ready: { kind: "url-line" },
    });
    started.push(upstream);
    const baseline = await spawnService({
      name: "baseline",
      script: "bench/baseline/main.ts",
      args: ["--upstream", upstream.url],
      ready: { kind: "url-line" },
    });
    started.push(baseline);
    const gateways = new Map<string, ServiceProcess>();
    for (const w of opts.workers) {
      const g = await startGateway(upstream.url, w, opts);
      started.push(g);
      gateways.set(g.name, g);
    }
    return { upstream, baseline, gateways, stop: stopAll };
  } catch (e: unknown) {
    await stopAll();
    throw e;
  }
}
