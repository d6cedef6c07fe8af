/**
 * `npm run bench [-- --quick] [-- --workers 1,auto] [-- --rounds N --duration S] [-- --no-readme] [-- --cpu-prof DIR]`
 * `npm run bench -- --soak 30m [--soak-rate 20] [--soak-sample 5s] [--soak-drain 60s]`: the soak instead (`lib/soak.ts`).
 *
 * Starts the demo upstream (zero token delay), the bare baseline proxy and the gateway (full asl3 policy) as
 * separate processes and measures them side by side, alternating: throughput and latency for JSON and SSE at
 * several concurrency levels, added latency at a fixed 200 req/s, time to first SSE event, screening time per SSE
 * chunk, peak RSS and the share of blocked requests under a 2% harmful mix. Writes `bench/results/<date>-<commit>.json`,
 * updates the table in `bench/README.md`; the LAST line printed is the machine-readable summary JSON.
 */
import { parseArgs } from "node:util";
import { chatBody } from "./lib/bodies.ts";
import { load, stamp } from "./lib/machine.ts";
import { createRssSampler } from "./lib/processes.ts";
import { scrape, screeningPerChunk } from "./lib/prom.ts";
import { updateReadme, writeResults, type Summary, type TableRow } from "./lib/report.ts";
import { BENCH_KEY, gatewayName, startServices, type Services } from "./lib/services.ts";
import { cellOf, runMatrix, runMix, type Cell, type Target } from "./lib/suite.ts";
import { measureTtft } from "./lib/ttft.ts";
import { parseDuration } from "./lib/soak-analysis.ts";
import { runSoak, SOAK_DEFAULTS, type SoakOptions } from "./lib/soak.ts";

const log = (line: string): void => void process.stdout.write(`${line}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      workers: { type: "string", default: "1" },
      rounds: { type: "string" },
      duration: { type: "string" },
      "no-readme": { type: "boolean", default: false },
      "cpu-prof": { type: "string" },
      soak: { type: "string" },
      "soak-rate": { type: "string" },
      "soak-sample": { type: "string" },
      "soak-drain": { type: "string" },
    },
    strict: true,
  });
  const quick = values.quick;
  return {
    soak: soakOptions(values),
    quick,
    workers: values.workers.split(",").map((w) => w.trim()),
    rounds: Number(values.rounds ?? (quick ? 1 : 3)),
    durationSec: Number(values.duration ?? (quick ? 3 : 6)),
    connections: quick ? [1, 50] : [1, 50, 200],
    rate: 200,
    ttftSamples: quick ? 150 : 600,
    readme: !values["no-readme"],
    cpuProf: values["cpu-prof"],
  };
}

type Options = ReturnType<typeof options>;

/** The soak's options when `--soak DURATION` is given (durations such as `90s`, `30m`, `2h`). */
function soakOptions(v: {
  soak?: string | undefined;
  "soak-rate"?: string | undefined;
  "soak-sample"?: string | undefined;
  "soak-drain"?: string | undefined;
}): SoakOptions | undefined {
  if (v.soak === undefined) return undefined;
  const rate = Number(v["soak-rate"] ?? SOAK_DEFAULTS.rate);
  if (!Number.isFinite(rate) || rate <= 0) throw new Error(`--soak-rate must be a positive number of req/s`);
  return {
    durationMs: parseDuration(v.soak),
    rate,
    sampleMs: v["soak-sample"] !== undefined ? parseDuration(v["soak-sample"]) : SOAK_DEFAULTS.sampleMs,
    drainMs: v["soak-drain"] !== undefined ? parseDuration(v["soak-drain"]) : SOAK_DEFAULTS.drainMs,
    tokenDelayMs: SOAK_DEFAULTS.tokenDelayMs,
  };
}

function targetsOf(s: Services): Target[] {
  const json = { "content-type": "application/json" };
  const t = (
    name: string,
    p: { url: string; child: { pid?: number | undefined } },
    auth: boolean,
  ): Target => ({
    name,
    url: p.url,
    pid: p.child.pid ?? 0,
    headers: auth ? { ...json, authorization: `Bearer ${BENCH_KEY}` } : json,
  });
  return [
    t("upstream", s.upstream, false),
    t("baseline", s.baseline, false),
    ...[...s.gateways].map(([name, g]) => t(name, g, true)),
  ];
}

const sub = (a: number | undefined, b: number | undefined): number =>
  a === undefined || b === undefined ? Number.NaN : Math.round((a - b) * 1000) / 1000;
const ratio = (a: Cell | undefined, b: Cell | undefined): number =>
  a && b && b.rps > 0 ? Math.round((a.rps / b.rps) * 1000) / 1000 : Number.NaN;

async function measureAll(o: Options, targets: Target[]) {
  log("# warm-up");
  await runMatrix({
    targets,
    modes: ["json", "sse"],
    connections: [50],
    durationSec: 2,
    rounds: 1,
    log: () => undefined,
  });
  const gws = targets.filter((t) => t.name.startsWith("gateway"));
  const before = new Map(await Promise.all(gws.map(async (g) => [g.name, await scrape(g.url)] as const)));
  log(`# throughput (${o.rounds} round(s) x ${o.durationSec} s, median)`);
  const throughput = await runMatrix({
    targets,
    modes: ["json", "sse"],
    connections: o.connections,
    durationSec: o.durationSec,
    rounds: o.rounds,
    log,
  });
  log(`# fixed rate ${o.rate} req/s`);
  const rate = await runMatrix({
    targets,
    modes: ["json", "sse"],
    connections: [10],
    rate: o.rate,
    durationSec: o.durationSec,
    rounds: o.rounds,
    log,
  });
  log("# time to first SSE event (sequential undici client)");
  const ttftTargets = targets.filter((t) => t.name !== "upstream");
  const ttft = await measureTtft(ttftTargets, chatBody("sse"), o.ttftSamples);
  for (const [name, r] of Object.entries(ttft))
    log(
      `  ${name.padEnd(12)} first event p50 ${r.firstEvent.p50} ms p99 ${r.firstEvent.p99} ms; first text p50 ${r.firstText.p50} ms`,
    );
  const screening = Object.fromEntries(
    await Promise.all(
      gws.map(
        async (g) =>
          [
            g.name,
            screeningPerChunk(before.get(g.name) ?? (await scrape(g.url)), await scrape(g.url)),
          ] as const,
      ),
    ),
  );
  log("# 2% harmful mix at 50 connections");
  const mix = [];
  for (const g of gws)
    for (const mode of ["sse", "json"] as const) mix.push(await runMix(g, mode, 0.02, o.durationSec));
  for (const m of mix)
    log(
      `  ${m.target} ${m.mode}: ${m.requests} requests, blocked ${m.blockedPct}%, flagged ${m.flaggedPct}%, errors ${m.errorPct}%`,
    );
  return { throughput, rate, ttft, screening, mix };
}

function summarise(name: string, m: Awaited<ReturnType<typeof measureAll>>, rssMb: number): Summary {
  const at = (t: string, mode: "json" | "sse", c: number) => cellOf(m.throughput, t, mode, c);
  const rated = (t: string, mode: "json" | "sse") => cellOf(m.rate, t, mode, 10);
  const added = (mode: "json" | "sse", p: "p50" | "p99") =>
    sub(rated(name, mode)?.[p], rated("baseline", mode)?.[p]);
  return {
    rpsRatioJson: ratio(at(name, "json", 50), at("baseline", "json", 50)),
    rpsRatioSse: ratio(at(name, "sse", 50), at("baseline", "sse", 50)),
    addedP50Ms: Math.max(added("json", "p50"), added("sse", "p50")),
    addedP99Ms: Math.max(added("json", "p99"), added("sse", "p99")),
    ttftAddedMs: sub(m.ttft[name]?.firstEvent.p50, m.ttft.baseline?.firstEvent.p50),
    screeningUsPerChunk: m.screening[name]?.usPerChunk ?? Number.NaN,
    peakRssMb: rssMb,
  };
}

function verdicts(s: Summary) {
  return {
    rpsRatioJson: s.rpsRatioJson >= 0.75,
    rpsRatioSse: s.rpsRatioSse >= 0.75,
    addedP50Ms: s.addedP50Ms <= 1,
    addedP99Ms: s.addedP99Ms <= 5,
    ttftAddedMs: s.ttftAddedMs < 2,
    screeningUsPerChunk: s.screeningUsPerChunk < 50,
    peakRssMb: s.peakRssMb < 300,
  };
}

async function main(): Promise<void> {
  const o = options();
  if (o.soak) {
    await runSoak(o.soak, log);
    return;
  }
  const st = stamp();
  const loadBefore = load();
  log(
    `# portcullis bench ${o.quick ? "(quick) " : ""}${st.date} commit ${st.commit}${st.dirty ? "+dirty" : ""}`,
  );
  log(
    `# machine: ${st.machine.cores}x ${st.machine.cpu}, ${st.machine.memGb} GB, node ${st.machine.node}; load ${loadBefore.join(" ")}`,
  );
  const services = await startServices({
    workers: o.workers,
    ...(o.cpuProf ? { gatewayNodeFlags: ["--cpu-prof", `--cpu-prof-dir=${o.cpuProf}`] } : {}),
  });
  const samplers = new Map([...services.gateways].map(([n, g]) => [n, createRssSampler(g.child.pid ?? 0)]));
  try {
    const targets = targetsOf(services);
    const m = await measureAll(o, targets);
    const loadAfter = load();
    const rss = Object.fromEntries([...samplers].map(([n, s]) => [n, s.peakMb()]));
    const summaries = Object.fromEntries(
      o.workers.map((w) => [gatewayName(w), summarise(gatewayName(w), m, rss[gatewayName(w)] ?? Number.NaN)]),
    );
    const headline = summaries[gatewayName(o.workers[0] ?? "1")];
    if (!headline) throw new Error("no gateway measured");
    const results = {
      ...st,
      quick: o.quick,
      loadBefore,
      loadAfter,
      options: o,
      ...m,
      peakRssMb: rss,
      summaries,
      targetsMet: verdicts(headline),
      summary: headline,
    };
    log(`# results: ${writeResults(st, results, o.quick)}`);
    if (o.readme) {
      const rows: TableRow[] = o.workers.map((w) => {
        const n = gatewayName(w);
        const rps = (t: string, mode: "json" | "sse") => cellOf(m.throughput, t, mode, 50)?.rps ?? Number.NaN;
        const mix = m.mix.find((x) => x.target === n && x.mode === "sse");
        const summary = summaries[n] ?? headline;
        return {
          stamp: st,
          quick: o.quick,
          workers: w,
          loadBefore,
          summary,
          gatewayRps: { json: rps(n, "json"), sse: rps(n, "sse") },
          baselineRps: { json: rps("baseline", "json"), sse: rps("baseline", "sse") },
          blockedPct: mix?.blockedPct ?? Number.NaN,
        };
      });
      updateReadme(rows);
    }
    log(`# targets met: ${JSON.stringify(verdicts(headline))}; load after ${loadAfter.join(" ")}`);
    log(JSON.stringify(headline));
  } finally {
    for (const s of samplers.values()) s.stop();
    await services.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
