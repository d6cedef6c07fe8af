/** Writes the results file, updates the table in `bench/README.md`, and formats the console summary. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunStamp } from "./machine.ts";
import { ROOT } from "./processes.ts";

/** The machine-readable summary: the runner's last line. */
export interface Summary {
  rpsRatioJson: number;
  rpsRatioSse: number;
  addedP50Ms: number;
  addedP99Ms: number;
  ttftAddedMs: number;
  screeningUsPerChunk: number;
  peakRssMb: number;
}

export interface TableRow {
  stamp: RunStamp;
  quick: boolean;
  workers: string;
  loadBefore: number[];
  summary: Summary;
  gatewayRps: { json: number; sse: number };
  baselineRps: { json: number; sse: number };
  blockedPct: number;
}

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";
const HEADER =
  "| date | commit | machine | load (1 min) | mode | workers | gateway req/s JSON / SSE | baseline req/s JSON / SSE | ratio JSON / SSE | +p50 / +p99 ms @200 req/s | +TTFE ms | screening us/chunk | peak RSS MB | blocked (2% harmful mix) |\n" +
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

const r1 = (x: number): string => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : "n/a");
const r2 = (x: number): string => (Number.isFinite(x) ? (Math.round(x * 100) / 100).toString() : "n/a");
const pct = (x: number): string => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : "n/a");

/** One markdown table row. */
export function formatRow(r: TableRow): string {
  const s = r.summary;
  const commit = r.stamp.commit + (r.stamp.dirty ? "+dirty" : "");
  const machine = `${r.stamp.machine.cores}x ${r.stamp.machine.cpu.replace(/\|/g, "/")}`;
  return `| ${r.stamp.date.slice(0, 16).replace("T", " ")} | ${commit} | ${machine} | ${r2(r.loadBefore[0] ?? Number.NaN)} | ${r.quick ? "quick" : "full"} | ${r.workers} | ${Math.round(r.gatewayRps.json)} / ${Math.round(r.gatewayRps.sse)} | ${Math.round(r.baselineRps.json)} / ${Math.round(r.baselineRps.sse)} | ${pct(s.rpsRatioJson)} / ${pct(s.rpsRatioSse)} | ${r2(s.addedP50Ms)} / ${r2(s.addedP99Ms)} | ${r2(s.ttftAddedMs)} | ${r1(s.screeningUsPerChunk)} | ${r1(s.peakRssMb)} | ${r2(r.blockedPct)}% |`;
}

/** Inserts rows (newest first) into the README's results table, keeping the latest 30. */
export function updateReadme(rows: readonly TableRow[], path = join(ROOT, "bench/README.md")): void {
  const text = existsSync(path) ? readFileSync(path, "utf8") : `# Benchmarks\n\n${START}\n${END}\n`;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end === -1 || end < start) {
    writeFileSync(
      path,
      `${text.trimEnd()}\n\n${START}\n${HEADER}\n${rows.map(formatRow).join("\n")}\n${END}\n`,
    );
    return;
  }
  const old = text
    .slice(start + START.length, end)
    .split("\n")
    .filter((l) => l.startsWith("| 2"));
  const table = [HEADER, ...rows.map(formatRow), ...old].slice(0, 32).join("\n");
  writeFileSync(path, `${text.slice(0, start)}${START}\n${table}\n${text.slice(end)}`);
}

/** Writes `bench/results/<date>-<commit>.json` (`-quick` for quick runs; a rerun replaces it) and returns its path. */
export function writeResults(stamp: RunStamp, results: unknown, quick: boolean): string {
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const day = stamp.date.slice(0, 10);
  const path = join(dir, `${day}-${stamp.commit}${quick ? "-quick" : ""}.json`);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
