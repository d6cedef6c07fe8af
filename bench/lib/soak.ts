/**
 * `npm run bench -- --soak 30m [--soak-rate 20] [--soak-sample 5s] [--soak-drain 60s]`: a long run at a steady,
 * modest rate of mixed traffic against the gateway with its worker process and embedded Redis, sampling memory,
 * handles, event-loop delay and queue depth, then judging whether anything grows (see `soak-analysis.ts`). Writes
 * `bench/results/<date>-<commit>-soak-<duration>.json` and prints a Markdown summary; the LAST line printed is the
 * machine-readable verdict JSON.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { load, stamp, type RunStamp } from "./machine.ts";
import { ROOT } from "./processes.ts";
import { analyseSoak, formatDuration, type SoakAnalysis } from "./soak-analysis.ts";
import { formatSoakReport } from "./soak-report.ts";
import { createSoakSampler, type SoakSampleFull } from "./soak-sampler.ts";
import { startSoakServices } from "./soak-services.ts";
import { SOAK_MIX, startTraffic, totals, type Traffic } from "./soak-traffic.ts";

/** Options of {@link runSoak}. */
export interface SoakOptions {
  durationMs: number;
  /** Requests per second. @defaultValue 20 */
  rate: number;
  /** Time between samples. @defaultValue 5000 */
  sampleMs: number;
  /** Longest wait for the queues to drain once the load stops. @defaultValue 60000 */
  drainMs: number;
  /** The demo upstream's delay per streamed token (and per token before a JSON body). @defaultValue 2 */
  tokenDelayMs: number;
}

export const SOAK_DEFAULTS = { rate: 20, sampleMs: 5_000, drainMs: 60_000, tokenDelayMs: 2 } as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes the results, one sample per line (a 30-minute soak has 360 of them: indented, they would be 3x longer). */
function writeSoakResults(
  st: RunStamp,
  durationMs: number,
  results: Record<string, unknown> & { samples: readonly unknown[] },
): string {
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${st.date.slice(0, 10)}-${st.commit}-soak-${formatDuration(durationMs)}.json`);
  const mark = '"@samples@"';
  const text = JSON.stringify({ ...results, samples: "@samples@" }, null, 2).replace(
    mark,
    () => `[\n${results.samples.map((x) => `    ${JSON.stringify(x)}`).join(",\n")}\n  ]`,
  );
  writeFileSync(path, `${text}\n`);
  return path;
}

function alive(pid: number | undefined): boolean {
  return pid !== undefined && existsSync(`/proc/${pid}`);
}

function progress(s: SoakSampleFull, o: SoakOptions): string {
  const r = s.rssMb;
  return (
    `# ${formatDuration(s.t * 1000)}/${formatDuration(o.durationMs)}: ${s.client.sent} sent, ${s.client.inFlight} in flight; ` +
    `RSS gateway ${r.gateway ?? "?"} / workers ${r.workers ?? "?"} / redis ${r.redis ?? "?"} MB; ` +
    `handles ${s.handles.gateway ?? "?"} / ${s.handles.workers ?? "?"}; loop p99 ${s.loopP99Ms.gateway ?? "?"} ms; ` +
    `queue ${s.queueDepth ?? "?"}`
  );
}

/** Runs the soak; resolves with the analysis once the results are written and the summary printed. */
export async function runSoak(o: SoakOptions, log: (line: string) => void): Promise<SoakAnalysis> {
  const st = stamp();
  const loadBefore = load();
  log(
    `# portcullis soak ${formatDuration(o.durationMs)} at ${o.rate} req/s, sample every ${formatDuration(o.sampleMs)}; ` +
      `${st.date} commit ${st.commit}${st.dirty ? "+dirty" : ""}; load ${loadBefore.join(" ")}`,
  );
  const services = await startSoakServices({ tokenDelayMs: o.tokenDelayMs });
  let traffic: Traffic | undefined;
  const sampler = createSoakSampler({
    services,
    traffic: () => traffic,
    drops: () => traffic?.counts()["upstream-drop-sse"]?.sent ?? 0,
  });
  try {
    const idle = await sampler.sample(0);
    log(`# idle, before the load: ${progress(idle, o).replace(/^# [^:]*: /, "")}`);
    const samples: SoakSampleFull[] = [];
    const t0 = performance.now();
    const elapsed = (): number => (performance.now() - t0) / 1000;
    traffic = startTraffic({ url: services.gateway.url, rate: o.rate });
    let nextLog = 0;
    for (let i = 1; i * o.sampleMs <= o.durationMs; i++) {
      await sleep(Math.max(0, t0 + i * o.sampleMs - performance.now()));
      const s = await sampler.sample(elapsed());
      samples.push(s);
      if (s.t >= nextLog) {
        log(progress(s, o));
        nextLog += 60;
      }
    }
    await sleep(Math.max(0, t0 + o.durationMs - performance.now()));
    const loadSeconds = elapsed();
    await traffic.stop();
    // Long enough for the gateway to pass a client's leave on to the upstream; far shorter than its body timeout.
    await sleep(2_000);
    const afterLoad = await sampler.sample(elapsed());
    const drainStart = performance.now();
    let drained = afterLoad;
    while (
      (drained.queueDepth !== 0 || drained.spoolDepth !== 0) &&
      performance.now() - drainStart < o.drainMs
    ) {
      await sleep(1_000);
      drained = await sampler.sample(elapsed());
    }
    const drainSeconds = Math.round((performance.now() - drainStart) / 100) / 10;
    const pids = services.pids();
    const counts = traffic.counts();
    const analysis = analyseSoak({
      samples,
      loadSeconds,
      final: {
        queueDepth: drained.queueDepth ?? Number.NaN,
        spoolDepth: drained.spoolDepth ?? Number.NaN,
        upstreamOpen: afterLoad.upstreamOpen ?? Number.NaN,
        workerRestarts: sampler.workerRestarts(),
        allAlive:
          services.gateway.child.exitCode === null &&
          alive(pids.gateway) &&
          alive(pids.workers) &&
          alive(pids.redis),
      },
      counts: totals(counts),
      idle,
    });
    const results = {
      ...st,
      kind: "soak",
      loadBefore,
      loadAfter: load(),
      options: o,
      mix: SOAK_MIX.map((k) => ({ name: k.name, weight: k.weight, expected: k.expected })),
      skipped: traffic.skipped(),
      counts,
      decisions: drained.decisions,
      idle,
      samples,
      afterLoad,
      drained,
      drainSeconds,
      analysis,
    };
    const path = writeSoakResults(st, o.durationMs, results);
    log("");
    log(
      formatSoakReport({
        stamp: st,
        loadBefore,
        durationMs: o.durationMs,
        rate: o.rate,
        analysis,
        counts,
        decisions: drained.decisions,
        drainSeconds,
        resultsPath: relative(ROOT, path),
        redisKeys: drained.redisKeys,
      }),
    );
    log("");
    log(JSON.stringify({ soak: formatDuration(o.durationMs), pass: analysis.pass, ...analysis.verdicts }));
    return analysis;
  } finally {
    await traffic?.stop();
    await sampler.close();
    await services.stop();
  }
}
