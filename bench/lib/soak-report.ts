/** The soak's Markdown summary (printed at the end of `npm run bench -- --soak DURATION`). */
import type { RunStamp } from "./machine.ts";
import { formatDuration, SOAK_PROCESSES, type SoakAnalysis, type SoakVerdicts } from "./soak-analysis.ts";
import type { KindCounts } from "./soak-traffic.ts";

const n1 = (x: number | undefined): string =>
  x !== undefined && Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : "n/a";
const pct = (x: number): string =>
  Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%` : "n/a";
const mark = (ok: boolean): string => (ok ? "pass" : "**FAIL**");

/** What each verdict means, as the README's Soak section says. */
const MEANING: Record<keyof SoakVerdicts, string> = {
  rssFlat:
    "RSS of the gateway and the worker process grew <= 10% from the first to the last fifth (after warm-up)",
  redisFlat: "redis-server RSS grew <= 10%, or grew only with the keys stored (memory per added key <= +10%)",
  handlesFlat: "active handles of gateway and workers grew <= max(5, 10%) from the first to the last fifth",
  queuesDrained: "no BullMQ job waiting/active and an empty spool after the drain wait",
  no5xx: "no 5xx except on requests that asked the demo upstream for a 500",
  requestsAsExpected: "every status as expected for its kind; no connection error or timeout",
  processesClean: "no worker restart, every process alive, no upstream request left open after the load",
};

export interface SoakReportInput {
  stamp: RunStamp;
  loadBefore: readonly number[];
  durationMs: number;
  rate: number;
  analysis: SoakAnalysis;
  counts: Record<string, KindCounts>;
  decisions: Record<string, number> | undefined;
  drainSeconds: number;
  resultsPath: string;
  /** Redis's key count at the end. */
  redisKeys: number | undefined;
}

/** The Markdown summary. */
export function formatSoakReport(r: SoakReportInput): string {
  const a = r.analysis;
  const st = r.stamp;
  const statuses = new Map<string, number>();
  for (const c of Object.values(r.counts))
    for (const [s, k] of Object.entries(c.statuses)) statuses.set(s, (statuses.get(s) ?? 0) + k);
  const lines = [
    `## Soak ${formatDuration(r.durationMs)} at ${r.rate} req/s: ${a.pass ? "PASS" : "FAIL"}`,
    "",
    `${st.date.slice(0, 16).replace("T", " ")}, commit ${st.commit}${st.dirty ? "+dirty" : ""}, ` +
      `${st.machine.cores}x ${st.machine.cpu}, node ${st.machine.node}, load ${r.loadBefore.join(" ")}; ` +
      `${a.samples} samples, warm-up ${formatDuration(a.warmupSeconds * 1000)} left out. Results: \`${r.resultsPath}\``,
    "",
    `Requests: ${a.counts.requests} sent; statuses ${[...statuses].map(([s, k]) => `${s === "0" ? "none" : s}: ${k}`).join(", ")}; ` +
      `unexpected 5xx ${a.counts.unexpected5xx}, unexpected status ${a.counts.unexpectedStatus}, ` +
      `transport errors/timeouts ${a.counts.transportErrors}.`,
    r.decisions
      ? `Gateway decisions (/metrics): ${Object.entries(r.decisions)
          .filter(([, v]) => v > 0)
          .map(([d, v]) => `${d} ${v}`)
          .join(", ")}.`
      : "Gateway decisions: /metrics unavailable at the end.",
    "",
    "| process | RSS first fifth MB | last fifth MB | change | slope MB/h | min-max MB |",
    "|---|---|---|---|---|---|",
    ...SOAK_PROCESSES.map((p) => {
      const t = a.rssMb[p];
      return t
        ? `| ${p} | ${n1(t.first)} | ${n1(t.last)} | ${pct(t.relChange)} | ${n1(t.slopePerHour)} | ${n1(t.min)}-${n1(t.max)} |`
        : `| ${p} | n/a | n/a | n/a | n/a | n/a |`;
    }),
    "",
    a.redisKbPerKey
      ? `Redis memory per key added since idle: ${n1(a.redisKbPerKey.first)} -> ${n1(a.redisKbPerKey.last)} KB (${pct(a.redisKbPerKey.relChange)}); ` +
        `keys ${r.redisKeys ?? "n/a"} at the end (completed jobs and incidents are kept: 10,000 jobs per queue for 24 h, incidents 30 days).`
      : "Redis memory per key: n/a.",
    "",
    "| process | handles first fifth | last fifth | growth (allowed) | event-loop p99 median / worst ms | p99 first / last fifth ms |",
    "|---|---|---|---|---|---|",
    ...(["gateway", "workers"] as const).map((p) => {
      const h = a.handles[p];
      const l = a.loopP99[p];
      return `| ${p} | ${n1(h?.first)} | ${n1(h?.last)} | ${n1(h?.growth)} (${n1(h?.allowed)}) | ${n1(l?.medianMs)} / ${n1(l?.maxMs)} | ${n1(l?.firstFifthMs)} / ${n1(l?.lastFifthMs)} |`;
    }),
    "",
    `After the load: queue depth ${a.final.queueDepth} after ${r.drainSeconds} s of drain wait, spool ${a.final.spoolDepth}, ` +
      `upstream requests left open ${a.final.upstreamOpen}, worker restarts ${a.final.workerRestarts}, ` +
      `all processes alive: ${a.final.allAlive ? "yes" : "no"}.`,
    "",
    "| verdict | result | meaning |",
    "|---|---|---|",
    ...(Object.keys(MEANING) as (keyof SoakVerdicts)[]).map(
      (k) => `| ${k} | ${mark(a.verdicts[k])} | ${MEANING[k]} |`,
    ),
  ];
  return lines.join("\n");
}
