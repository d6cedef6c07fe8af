/**
 * `npm run bench:fuzz [-- --cases N] [-- --seed S [--path P]] [-- --concurrency C] [-- --margin MB] [-- --warmup N]`
 *
 * The long fuzz run: the same generators and properties as `test/integration/fuzz-gateway.test.ts`
 * (`test/fuzz/`), for as many cases as asked (default 20,000), against one gateway process (`node --import tsx`,
 * so the measured pid is the gateway itself; its own embedded redis-server, no incident workers) in front of an
 * in-process scripted upstream. Prints progress, then a summary: cases, answers by status, upstream plans, RSS
 * (baseline after the warm-up, peak, settled after the run), and the seed. Exits 1 on a violation (printing the
 * shrunk counterexample and how to replay it) or when RSS does not settle within the margin. The LAST line printed
 * is the machine-readable summary JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { pidAlive, rssMb, runFuzz, settledRssMb, type FuzzStats } from "../../test/fuzz/run.ts";
import { fuzzGatewayConfig } from "../../test/fuzz/setup.ts";
import { createUpstreamDispatch, type UpstreamDispatch } from "../../test/fuzz/wire.ts";
import { load, stamp } from "../lib/machine.ts";
import { spawnService } from "../lib/processes.ts";

const log = (line: string): void => void process.stdout.write(`${line}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      cases: { type: "string", default: "20000" },
      seed: { type: "string" },
      path: { type: "string" },
      concurrency: { type: "string", default: "8" },
      margin: { type: "string", default: "50" },
      warmup: { type: "string", default: "1000" },
    },
    strict: true,
  });
  return {
    cases: Number(values.cases),
    seed: values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31),
    path: values.path,
    concurrency: Number(values.concurrency),
    marginMb: Number(values.margin),
    warmup: Number(values.warmup),
  };
}

/** The scripted upstream of the tests (`test/helpers/scripted-upstream.ts`) without vitest: reads, then replies. */
async function startUpstream(dispatch: UpstreamDispatch): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => dispatch.reply(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  // Longer than the gateway's pool keeps an idle connection, so no request meets a connection the upstream is
  // closing (Node's default is 5 s): that race is the environment's, not a property of the gateway.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => void (server.closeAllConnections(), server.close()) };
}

async function main(): Promise<number> {
  const o = options();
  const dispatch = createUpstreamDispatch();
  const upstream = await startUpstream(dispatch);
  const dir = mkdtempSync(join(tmpdir(), "portcullis-fuzz-"));
  const configPath = join(dir, "portcullis.yaml");
  writeFileSync(configPath, stringify({ ...fuzzGatewayConfig(upstream.url), dataDir: join(dir, "var") }));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORTCULLIS_CONFIG: configPath, PORT: String(port) };
  delete env.REDIS_URL;
  const gateway = await spawnService({
    name: "gateway",
    script: "gateway/main.ts",
    args: ["--no-workers"],
    env,
    ready: { kind: "readyz", url: `http://127.0.0.1:${port}` },
    timeoutMs: 120_000,
  });
  const pid = gateway.child.pid ?? 0;
  const t0 = Date.now();
  const what =
    o.path === undefined ? `${o.cases} cases, seed ${o.seed}` : `replaying seed ${o.seed} path ${o.path}`;
  log(`# fuzz: ${what}, concurrency ${o.concurrency}, gateway pid ${pid}, load ${load().join(" ")}`);
  let baseline: number | undefined;
  let peak = 0;
  // Halfway through, to tell a plateau (garbage V8 has not returned yet) from steady growth (a leak).
  let half: number | undefined;
  let nextReport = 1000;
  try {
    const result = await runFuzz(
      {
        gatewayUrl: gateway.url,
        dispatch,
        alive: () => pidAlive(pid),
        output: () => gateway.output(),
      },
      {
        cases: o.cases,
        seed: o.seed,
        path: o.path,
        concurrency: o.concurrency,
        onRound: async (s: FuzzStats) => {
          const rss = rssMb(pid) ?? 0;
          peak = Math.max(peak, rss);
          if (half === undefined && s.cases >= o.cases / 2) half = rss;
          if (baseline === undefined && s.cases >= o.warmup) {
            await new Promise((r) => setTimeout(r, 2000));
            baseline = rssMb(pid);
            log(`# baseline RSS ${baseline} MB after ${s.cases} cases`);
          }
          if (s.cases >= nextReport) {
            nextReport += 1000;
            log(
              `# ${s.cases} cases, ${Math.round((Date.now() - t0) / 1000)} s, RSS ${rss} MB, ${s.forwarded} forwarded`,
            );
          }
        },
      },
    );
    const seconds = Math.round((Date.now() - t0) / 1000);
    const settled =
      baseline === undefined
        ? undefined
        : await settledRssMb(pid, baseline, o.marginMb, { minMs: 15_000, maxMs: 60_000 });
    const memoryOk = baseline === undefined || settled === undefined || settled <= baseline + o.marginMb;
    const s = result.stats;
    log(`# answers by status: ${JSON.stringify(s.statuses)}`);
    log(`# upstream plans: ${JSON.stringify(s.plans)}`);
    log(
      `# RSS MB: baseline ${baseline}, halfway ${half}, peak ${peak}, settled ${settled} (margin ${o.marginMb}); slowest case ${s.slowestMs} ms`,
    );
    if (result.failure) log(result.failure);
    if (!memoryOk) log(`# FAIL: RSS settled at ${settled} MB, over ${baseline} + ${o.marginMb} MB`);
    const st = stamp();
    log(
      JSON.stringify({
        date: st.date,
        commit: st.commit,
        cpu: st.machine.cpu,
        cores: st.machine.cores,
        seed: o.seed,
        cases: s.cases,
        seconds,
        casesPerSecond: Math.round((s.cases / Math.max(1, seconds)) * 10) / 10,
        forwarded: s.forwarded,
        violations: result.failure ? 1 : 0,
        rssBaselineMb: baseline,
        rssHalfwayMb: half,
        rssPeakMb: peak,
        rssSettledMb: settled,
        ok: !result.failure && memoryOk,
      }),
    );
    return !result.failure && memoryOk ? 0 : 1;
  } finally {
    await gateway.stop();
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
