/**
 * `npm run bench:boot [-- --runs 5] [--warmup 1] [--settle-ms 500] [--services gateway,workers] [--no-build]`
 *
 * Boot time and memory of the two processes, compiled (`node dist/<service>/main.js`, what `npm start` and the image
 * run) against tsx (`tsx <service>/main.ts`, the `tsx` CLI as a developer would type it). Each boot gets a throwaway
 * data directory and free ports:
 * - gateway: the embedded default with `--no-workers` (its own redis-server child and in-process demo upstream, the
 *   shipped models); ready = first `/readyz` 200, polled every 10 ms;
 * - workers: over a redis-server this script starts once (not timed); ready = the `workers ready` log line.
 * RSS is VmRSS of the process running `main` (`/proc/<pid>/status`), `--settle-ms` after ready; "node processes"
 * adds the tsx launcher, which the tsx mode runs too. redis-server is not counted. Modes alternate every round and
 * one warm-up boot per mode (`--warmup`) is discarded, so the file cache and noise from other work hit both alike.
 * Results: a Markdown table and JSON in `bench/results/<date>-<commit>-boot.{md,json}`; the last line printed is
 * the JSON summary.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { freePort, redisPidFile, startRedisChild } from "../gateway/embedded/redis-child.ts";
import { load, stamp } from "./lib/machine.ts";
import { ROOT, nodeTree } from "./lib/processes.ts";

type Service = "gateway" | "workers";
type Mode = "compiled" | "tsx";
const MODES: readonly Mode[] = ["compiled", "tsx"];
const TSX_CLI = join(ROOT, "node_modules/tsx/dist/cli.mjs");
const READY_TIMEOUT_MS = 60_000;

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    "settle-ms": { type: "string", default: "500" },
    services: { type: "string", default: "gateway,workers" },
    "no-build": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const settleMs = Number(values["settle-ms"]);
const services = values.services.split(",").filter(Boolean) as Service[];
if (
  !(runs >= 1) ||
  !(warmup >= 0) ||
  !(settleMs >= 0) ||
  services.some((s) => s !== "gateway" && s !== "workers")
)
  throw new Error("usage: --runs N>=1 --warmup N>=0 --settle-ms MS --services gateway,workers");

/** What the script started and must stop, whatever happens (failure, Ctrl-C). */
const cleanups = new Set<() => Promise<void> | void>();
async function cleanAll(): Promise<void> {
  for (const c of [...cleanups].reverse()) await c();
  cleanups.clear();
}
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.once(sig, () => void cleanAll().finally(() => process.exit(130)));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A file's text, or "" when it cannot be read (a process that is gone, a pid file never written). */
function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
const procText = (pid: number, file: string): string => readText(`/proc/${pid}/${file}`);
const alive = (pid: number): boolean => procText(pid, "stat") !== "";
const rssKb = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB/m.exec(procText(pid, "status"))?.[1] ?? 0);

/** The gateway alone: a supervised worker process would be measured with it. */
const SERVICE_ARGS: Record<Service, readonly string[]> = { gateway: ["--no-workers"], workers: [] };

/** Node's arguments for a service in a mode (the tsx CLI is run by node, as its `.bin` shim does). */
function command(service: Service, mode: Mode): string[] {
  const entry =
    mode === "compiled"
      ? [join(ROOT, "dist", service, "main.js")]
      : [TSX_CLI, join(ROOT, service, "main.ts")];
  return [...entry, ...SERVICE_ARGS[service]];
}

/** The command as a user types it. */
function shown(service: Service, mode: Mode): string {
  const entry = mode === "compiled" ? `node dist/${service}/main.js` : `tsx ${service}/main.ts`;
  return [entry, ...SERVICE_ARGS[service]].join(" ");
}

function readyzOk(url: string): Promise<boolean> {
  return new Promise((res) => {
    const req = get(url, { agent: false, timeout: 1_000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on("error", () => res(false));
    req.on("timeout", () => req.destroy());
  });
}

interface Boot {
  readyMs: number;
  rssMb: number;
  treeRssMb: number;
}

interface BootContext {
  /** The workers' Redis (carries the password: never print it). */
  redisUrl?: string;
  round: number;
}

/** Kills what a boot left behind: its node processes and the gateway's embedded redis-server (by its pid file). */
function reap(pids: readonly number[], redisDir: string): string[] {
  const left: string[] = [];
  const redisPid = Number(readText(redisPidFile(redisDir)).trim());
  const candidates = [
    ...pids.map((pid) => ({ pid, comm: /^node/ })),
    ...(redisPid > 0 ? [{ pid: redisPid, comm: /^redis-server/ }] : []),
  ];
  for (const { pid, comm } of candidates) {
    const name = procText(pid, "comm").trim();
    // Checked by name so a pid reused since is never hit.
    if (!alive(pid) || !comm.test(name)) continue;
    left.push(`${name} ${pid}`);
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
  return left;
}

async function bootOnce(service: Service, mode: Mode, ctx: BootContext): Promise<Boot> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-boot-"));
  const dataDir = join(dir, "var");
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: "127.0.0.1", PORTCULLIS_DATA_DIR: dataDir };
  for (const k of ["REDIS_URL", "PORTCULLIS_CONFIG", "PORTCULLIS_REDIS_MODE"]) delete env[k];
  if (service === "gateway") Object.assign(env, { PORT: String(port), PORTCULLIS_WORKERS: "1" });
  else
    Object.assign(env, {
      REDIS_URL: ctx.redisUrl,
      PORTCULLIS_REDIS_PREFIX: `{boot-${ctx.round}-${mode}}`,
      PORTCULLIS_WORKER_METRICS_PORT: String(port),
    });
  const started = performance.now();
  const child = spawn(process.execPath, command(service, mode), {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let readyLine = false;
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-20_000);
    if (!readyLine && out.includes('"msg":"workers ready"')) readyLine = true;
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let pids: number[] = child.pid !== undefined ? [child.pid] : [];
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      if (child.pid !== undefined) pids = [...new Set([...pids, ...nodeTree(child.pid)])];
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000)]);
    }
    const left = reap(pids, join(dataDir, "redis"));
    if (left.length > 0)
      process.stderr.write(`bench:boot: killed leftovers of a ${service} boot: ${left.join(", ")}\n`);
    rmSync(dir, { recursive: true, force: true });
  };
  cleanups.add(stop);
  try {
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error("exited before ready");
      if (Date.now() > deadline) throw new Error(`not ready in ${READY_TIMEOUT_MS} ms`);
      if (service === "gateway" ? await readyzOk(`${url}/readyz`) : readyLine) break;
      await sleep(10);
    }
    const readyMs = Math.round((performance.now() - started) * 10) / 10;
    if (service === "workers" && !(await readyzOk(`${url}/livez`)))
      throw new Error("metrics server not answering");
    await sleep(settleMs);
    pids = child.pid !== undefined ? nodeTree(child.pid) : [];
    // The process running main: under the tsx CLI, the launcher's child.
    const main = pids.find((p) => !procText(p, "cmdline").includes(TSX_CLI)) ?? pids[0] ?? 0;
    const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
    return { readyMs, rssMb: mb(rssKb(main)), treeRssMb: mb(pids.reduce((s, p) => s + rssKb(p), 0)) };
  } catch (e: unknown) {
    throw new Error(`${service} (${mode}) did not boot: ${String(e)}\n${out.slice(-3_000)}`);
  } finally {
    await stop();
    cleanups.delete(stop);
  }
}

interface Range {
  median: number;
  min: number;
  max: number;
}

function range(xs: readonly number[]): Range {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return { median: r1(median), min: r1(s[0] ?? 0), max: r1(s[s.length - 1] ?? 0) };
}

interface Result {
  service: Service;
  mode: Mode;
  command: string;
  boots: Boot[];
  readyMs: Range;
  rssMb: Range;
  treeRssMb: Range;
}

async function measure(service: Service, ctx: Omit<BootContext, "round">): Promise<Result[]> {
  const boots: Record<Mode, Boot[]> = { compiled: [], tsx: [] };
  for (let round = -warmup; round < runs; round++) {
    for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
      const b = await bootOnce(service, mode, { ...ctx, round });
      process.stderr.write(
        `${service} ${mode}${round < 0 ? " (warm-up)" : ""}: ready ${b.readyMs.toFixed(0)} ms, ` +
          `RSS ${b.rssMb} MB (node processes ${b.treeRssMb} MB)\n`,
      );
      if (round >= 0) boots[mode].push(b);
    }
  }
  return MODES.map((mode) => ({
    service,
    mode,
    command: shown(service, mode),
    boots: boots[mode],
    readyMs: range(boots[mode].map((b) => b.readyMs)),
    rssMb: range(boots[mode].map((b) => b.rssMb)),
    treeRssMb: range(boots[mode].map((b) => b.treeRssMb)),
  }));
}

const fmt = (r: Range, digits: number): string =>
  `${r.median.toFixed(digits)} (${r.min.toFixed(digits)}-${r.max.toFixed(digits)})`;

function markdown(results: readonly Result[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.service} | ${r.mode} | \`${r.command}\` | ` +
      `${fmt(r.readyMs, 0)} | ${fmt(r.rssMb, 1)} | ${fmt(r.treeRssMb, 1)} |`,
  );
  return [
    "| service | mode | command | spawn to ready, ms: median (min-max) | RSS after boot, MB | node processes RSS, MB |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

async function main(): Promise<void> {
  if (!existsSync(TSX_CLI)) throw new Error(`tsx is not installed (${TSX_CLI}); run npm ci`);
  if (!values["no-build"]) {
    const b = spawnSync(process.execPath, [join(ROOT, "scripts/build.js"), "--if-stale"], {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (b.status !== 0) throw new Error("npm run build failed: the compiled mode would run a stale dist/");
  }
  const run = stamp();
  const loadAtStart = load();
  const results: Result[] = [];
  try {
    if (services.includes("gateway")) results.push(...(await measure("gateway", {})));
    if (services.includes("workers")) {
      const dir = mkdtempSync(join(tmpdir(), "portcullis-boot-redis-"));
      const redis = await startRedisChild({ dataDir: join(dir, "redis"), persist: false });
      const stopRedis = async (): Promise<void> => {
        await redis.stop();
        rmSync(dir, { recursive: true, force: true });
      };
      cleanups.add(stopRedis);
      results.push(...(await measure("workers", { redisUrl: redis.url })));
    }
  } finally {
    await cleanAll();
  }
  const table = markdown(results);
  const name = `${run.date.slice(0, 10)}-${run.commit}-boot`;
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const header =
    `Boot benchmark, ${run.date.slice(0, 16).replace("T", " ")} UTC, ${run.commit}${run.dirty ? " + working tree" : ""}, ` +
    `${run.machine.cores}x ${run.machine.cpu}, node ${run.machine.node}, load ${loadAtStart.join(" / ")}; ` +
    `${runs} runs per mode, ${warmup} warm-up, RSS ${settleMs} ms after ready.`;
  writeFileSync(join(dir, `${name}.md`), `${header}\n\n${table}\n`);
  writeFileSync(
    join(dir, `${name}.json`),
    `${JSON.stringify({ ...run, load: loadAtStart, runs, warmup, settleMs, results }, null, 2)}\n`,
  );
  const summary = Object.fromEntries(
    results.map((r) => [`${r.service}-${r.mode}`, { readyMs: r.readyMs.median, rssMb: r.rssMb.median }]),
  );
  process.stdout.write(
    `${header}\n\n${table}\n\nwritten bench/results/${name}.{md,json}\n${JSON.stringify(summary)}\n`,
  );
}

await main();
