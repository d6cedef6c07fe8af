/**
 * The measurement phases. Every phase alternates between targets (rotating the order each round) so that noise
 * from other work on the machine hits every target alike; each cell reports the median over rounds.
 */
import { chatBody, mixPicker, type Mode } from "./bodies.ts";
import { runLoad, type LoadResult } from "./load.ts";
import { cpuSeconds } from "./machine.ts";
import { nodeTree } from "./processes.ts";
import { decisionShares, scrape } from "./prom.ts";

export interface Target {
  name: string;
  url: string;
  pid: number;
  headers: Record<string, string>;
}

/** One measured cell: a target under one mode and load shape. */
export interface Cell extends LoadResult {
  target: string;
  mode: Mode;
  connections: number;
  rate?: number;
  /** CPU time the target's processes spent per request (user + system, microseconds). */
  cpuUsPerReq: number;
  rounds: number;
}

export type Log = (line: string) => void;

const PATH = "/v1/chat/completions";

function median(xs: readonly number[]): number {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function medianCell(runs: readonly Cell[]): Cell {
  const first = runs[0];
  if (!first) throw new Error("no runs");
  const m = (f: (c: Cell) => number): number => Math.round(median(runs.map(f)) * 1000) / 1000;
  return {
    ...first,
    rps: m((c) => c.rps),
    requests: m((c) => c.requests),
    errors: runs.reduce((s, c) => s + c.errors, 0),
    non2xx: runs.reduce((s, c) => s + c.non2xx, 0),
    p50: m((c) => c.p50),
    p90: m((c) => c.p90),
    p99: m((c) => c.p99),
    cpuUsPerReq: m((c) => c.cpuUsPerReq),
    rounds: runs.length,
  };
}

async function measure(
  t: Target,
  shape: { mode: Mode; connections: number; rate?: number; durationSec: number },
): Promise<Cell> {
  const pids = nodeTree(t.pid);
  const cpu0 = cpuSeconds(pids);
  const r = await runLoad({
    url: t.url,
    path: PATH,
    headers: t.headers,
    bodies: [chatBody(shape.mode)],
    connections: shape.connections,
    durationSec: shape.durationSec,
    ...(shape.rate !== undefined ? { rate: shape.rate } : {}),
  });
  const cpuUs = (cpuSeconds(pids) - cpu0) * 1e6;
  return {
    ...r,
    target: t.name,
    mode: shape.mode,
    connections: shape.connections,
    ...(shape.rate !== undefined ? { rate: shape.rate } : {}),
    cpuUsPerReq: r.requests > 0 ? Math.round(cpuUs / r.requests) : Number.NaN,
    rounds: 1,
  };
}

export interface MatrixOptions {
  targets: readonly Target[];
  modes: readonly Mode[];
  connections: readonly number[];
  rate?: number;
  durationSec: number;
  rounds: number;
  log: Log;
}

/** Runs every (mode, connections, target) cell `rounds` times, interleaved; returns the median cells. */
export async function runMatrix(o: MatrixOptions): Promise<Cell[]> {
  const runs = new Map<string, Cell[]>();
  for (let round = 0; round < o.rounds; round++) {
    for (const mode of o.modes) {
      for (const connections of o.connections) {
        const order = o.targets.map((_, i) => o.targets[(i + round) % o.targets.length]);
        for (const t of order) {
          if (!t) continue;
          const shape = {
            mode,
            connections,
            durationSec: o.durationSec,
            ...(o.rate ? { rate: o.rate } : {}),
          };
          const cell = await measure(t, shape);
          const key = `${mode}/${connections}/${t.name}`;
          runs.set(key, [...(runs.get(key) ?? []), cell]);
          o.log(
            `  ${mode.padEnd(4)} c=${String(connections).padEnd(3)}${o.rate ? ` @${o.rate}/s` : ""} ${t.name.padEnd(12)} ` +
              `${String(Math.round(cell.rps)).padStart(6)} req/s  p50 ${cell.p50} ms  p99 ${cell.p99} ms  cpu ${cell.cpuUsPerReq} us/req` +
              (cell.errors + cell.non2xx > 0 ? `  errors ${cell.errors} non2xx ${cell.non2xx}` : ""),
          );
        }
      }
    }
  }
  return [...runs.values()].map(medianCell);
}

/** Finds a median cell. */
export function cellOf(
  cells: readonly Cell[],
  target: string,
  mode: Mode,
  connections: number,
): Cell | undefined {
  return cells.find((c) => c.target === target && c.mode === mode && c.connections === connections);
}

/** Traffic with a share of harmful requests against a gateway; returns decision shares from its `/metrics`. */
export async function runMix(t: Target, mode: Mode, share: number, durationSec: number) {
  const before = await scrape(t.url);
  const r = await runLoad({
    url: t.url,
    path: PATH,
    headers: t.headers,
    bodies: [chatBody(mode), chatBody(mode, true)],
    pick: mixPicker(share),
    connections: 50,
    durationSec,
  });
  const after = await scrape(t.url);
  return {
    target: t.name,
    mode,
    harmfulShare: share,
    rps: r.rps,
    p50: r.p50,
    p99: r.p99,
    ...decisionShares(before, after),
  };
}
