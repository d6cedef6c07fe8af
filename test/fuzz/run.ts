/**
 * The fuzz loop shared by the CI test (`test/integration/fuzz-gateway.test.ts`) and the long run
 * (`npm run bench:fuzz`). Cases (a request and the upstream's reply to it) are drawn by fast-check in rounds of
 * `ROUND` from seeds derived from the run's seed, and run with `concurrency` in flight against one gateway process;
 * each is judged by `oracle.ts`. The first failing case is shrunk by fast-check itself (replaying it from its
 * round's seed and index, one request per try, within a budget) and reported with the seed and path that replay
 * it. After every round the gateway must still be alive; the caller samples its memory there.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { avoidsKnownBugs } from "./known-bugs.ts";
import { violations, wantsStream, type CaseOutcome } from "./oracle.ts";
import { fuzzRequest, type FuzzRequest } from "./requests.ts";
import { flavourOf, upstreamPlan, type UpstreamPlan } from "./upstream-replies.ts";
import { send, type UpstreamDispatch } from "./wire.ts";

export interface FuzzCase {
  readonly req: FuzzRequest;
  readonly plan: UpstreamPlan | undefined;
}

/** A request, and (for routes that forward) the upstream's reply, drawn to match the request's stream flag. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fuzzRequest
  .chain((req): fc.Arbitrary<FuzzCase> => {
    const f = flavourOf(req.route);
    return f
      ? upstreamPlan(f, wantsStream(req.body)).map((plan) => ({ req, plan }))
      : fc.constant({ req, plan: undefined });
  })
  .filter((c) => avoidsKnownBugs(c.req, c.plan));

export interface FuzzTarget {
  readonly gatewayUrl: string;
  readonly dispatch: UpstreamDispatch;
  /** The gateway process is still running. */
  alive(): boolean;
  /** The gateway's recent output, quoted in the report when it died. */
  output?(): string;
}

export interface FuzzOptions {
  /** Cases to run (rounded up to whole rounds). */
  readonly cases: number;
  readonly seed: number;
  /** Replays one case (with the seed of its round) and shrinks it further: a report's `path`. */
  readonly path?: string | undefined;
  /** Cases in flight at once. @defaultValue 8 */
  readonly concurrency?: number;
  /** A response not complete after this long is a hang. @defaultValue 15000 */
  readonly timeoutMs?: number;
  /** Shrinking tries (one request each) before the smallest failure so far is reported. @defaultValue 1000 */
  readonly shrinkBudget?: number;
  /** Called after every round that passed, with nothing in flight. */
  readonly onRound?: (stats: FuzzStats) => void | Promise<void>;
}

export interface FuzzStats {
  cases: number;
  /** Responses by status, 200s split into `200 sse` / `200 json`. */
  readonly statuses: Record<string, number>;
  /** Cases whose request reached the upstream. */
  forwarded: number;
  /** Upstream plans by kind (`reply sse clean end`, `reset`, ...). */
  readonly plans: Record<string, number>;
  slowestMs: number;
}

export interface FuzzResult {
  readonly stats: FuzzStats;
  /** The report of the smallest failing case, with the seed and path that replay it; undefined when all passed. */
  readonly failure?: string;
}

/** Cases drawn from one seed. */
export const ROUND = 256;

/** The seed of round `k` of a run seeded `seed`. */
export function roundSeed(seed: number, k: number): number {
  return (seed + k * 1_000_003) % 2 ** 31;
}

const bump = (m: Record<string, number>, k: string): void => void (m[k] = (m[k] ?? 0) + 1);

function planLabel(p: UpstreamPlan | undefined): string {
  if (!p) return "none";
  if (p.kind !== "reply") return p.kind;
  const kind = p.status >= 400 ? "error" : `${p.sse ? "sse" : "json"}${p.clean ? " clean" : ""}`;
  return `reply ${kind} ${p.ending}`;
}

function preview(b: Buffer | undefined, max = 240): string {
  if (b === undefined) return "(none)";
  const text = b.toString("utf8");
  const exact = Buffer.from(text).equals(b);
  const head = JSON.stringify(text.slice(0, max));
  return `${b.length} bytes${exact ? "" : " (not UTF-8)"}: ${head}${text.length > max ? "..." : ""}`;
}

/** A readable counterexample: the request, the upstream's plan, what came back and which properties failed. */
export function describeCase(o: CaseOutcome, problems: readonly string[]): string {
  const { req, plan, observed } = o;
  const headers = Object.entries(req.headers).map(([k, v]) => {
    const s = JSON.stringify(v);
    return `${k}: ${s.length > 80 ? `${s.slice(0, 60)}... (${s.length} chars)` : s}`;
  });
  const planText =
    plan?.kind === "reply"
      ? `${planLabel(plan)}: status ${plan.status}, content-type ${String(plan.contentType)}, mutations [${plan.mutations.join(", ")}], ${plan.chunks.length} pieces, gap ${plan.gapMs} ms, body ${preview(Buffer.concat(plan.chunks))}`
      : planLabel(plan);
  return [
    `  ${req.method} ${req.path}${req.chunked ? " (chunked)" : ""}`,
    `    headers: ${headers.join("; ")}`,
    `    body: ${preview(req.body)}`,
    `    upstream plan: ${planText}; upstream calls: ${o.upstream.calls}${o.upstream.connection ? ` (connection: ${o.upstream.connection})` : ""}`,
    `    got: status ${observed.status}, ${observed.complete ? "complete" : `INCOMPLETE (${observed.error ?? "?"})`}, ${observed.ms} ms, content-type ${String(observed.headers["content-type"])}, body ${preview(observed.body, 400)}`,
    ...problems.map((p) => `    VIOLATION: ${p}`),
  ].join("\n");
}

interface Judged {
  readonly outcome: CaseOutcome;
  readonly problems: string[];
}

/** Runs and judges one case. */
async function runCase(t: FuzzTarget, c: FuzzCase, id: string, timeoutMs: number): Promise<Judged> {
  const upstream = t.dispatch.expect(id, c.plan);
  try {
    const observed = await send(new URL(t.gatewayUrl), c.req, id, timeoutMs);
    const outcome = { req: c.req, plan: c.plan, observed, upstream };
    return { outcome, problems: violations(outcome) };
  } finally {
    t.dispatch.forget(id);
  }
}

function record(stats: FuzzStats, o: CaseOutcome): void {
  stats.cases++;
  const ct = String(o.observed.headers["content-type"] ?? "");
  const status = o.observed.status;
  bump(
    stats.statuses,
    status === 200 ? `200 ${ct.includes("event-stream") ? "sse" : "json"}` : String(status),
  );
  bump(stats.plans, planLabel(o.plan));
  if (o.upstream.calls > 0) stats.forwarded++;
  stats.slowestMs = Math.max(stats.slowestMs, o.observed.ms);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function replayHint(seed: number, path: string): string {
  return [
    `replay: PORTCULLIS_FUZZ_SEED=${seed} PORTCULLIS_FUZZ_PATH="${path}" npx vitest run test/integration/fuzz-gateway.test.ts`,
    `    or: npm run bench:fuzz -- --seed ${seed} --path "${path}"`,
  ].join("\n");
}

/**
 * Shrinks a failing case with fast-check (from its round's seed and path), one request per try. Past the budget,
 * or once the gateway has died, every try passes at once, so the shrinker stops at the smallest failure so far.
 */
async function shrink(
  t: FuzzTarget,
  seed: number,
  path: string,
  o: FuzzOptions,
): Promise<string | undefined> {
  const budget = o.shrinkBudget ?? 1000;
  let tries = 0;
  let dead = false;
  let n = 0;
  const details = await fc.check(
    fc.asyncProperty(fuzzCase, async (c) => {
      if (dead || tries++ > budget) return;
      const j = await runCase(t, c, `fz-shrink-${seed}-${n++}`, o.timeoutMs ?? 15_000);
      if (j.problems.length === 0) return;
      let report = describeCase(j.outcome, j.problems);
      if (!j.outcome.observed.complete) await sleep(500);
      if (!t.alive()) {
        dead = true;
        report += `\n  the gateway process died; its last output:\n${(t.output?.() ?? "").slice(-4000)}`;
      }
      throw new Error(report);
    }),
    { seed, path },
  );
  if (!details.failed) return undefined;
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return [
    `fuzz failure (round seed ${seed}, path "${details.counterexamplePath ?? path}", ${details.numShrinks} shrinks):`,
    error,
    replayHint(seed, details.counterexamplePath ?? path),
  ].join("\n");
}

/**
 * The cases of this round the gateway logged last before it died (by request id): the likeliest culprits, as a
 * case whose answer was already sent is not among the failed ones.
 */
function lastLogged(output: string, seed: number, cases: readonly FuzzCase[]): string {
  const ids = [...output.matchAll(new RegExp(`"reqId":"fz-${seed}-(\\d+)"`, "g"))].map((m) => Number(m[1]));
  const last = [...new Set(ids.reverse())].slice(0, 3);
  const lines = last.map((i) => {
    const c = cases[i];
    if (!c) return `    case ${i}`;
    const plan =
      c.plan?.kind === "reply"
        ? `${planLabel(c.plan)} ${c.plan.status} ${String(c.plan.contentType)}`
        : planLabel(c.plan);
    return `    case ${i} (--seed ${seed} --path "${i}"): ${c.req.method} ${c.req.path}, body ${preview(c.req.body, 120)}; upstream plan: ${plan}`;
  });
  return `  the last requests it logged, newest first:\n${lines.join("\n")}`;
}

/** Runs the fuzz loop; never throws for a failing case (the result carries the report). */
export async function runFuzz(t: FuzzTarget, o: FuzzOptions): Promise<FuzzResult> {
  const stats: FuzzStats = { cases: 0, statuses: {}, forwarded: 0, plans: {}, slowestMs: 0 };
  if (o.path !== undefined) {
    const failure = await shrink(t, o.seed, o.path, o);
    return failure === undefined ? { stats } : { stats, failure };
  }
  const concurrency = o.concurrency ?? 8;
  const timeoutMs = o.timeoutMs ?? 15_000;
  for (let k = 0; stats.cases < o.cases; k++) {
    const seed = roundSeed(o.seed, k);
    const cases = fc.sample(fuzzCase, { seed, numRuns: Math.min(ROUND, o.cases - stats.cases) });
    const failed: { index: number; judged: Judged }[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (failed.length === 0 && next < cases.length) {
        const index = next++;
        const judged = await runCase(t, cases[index] as FuzzCase, `fz-${seed}-${index}`, timeoutMs);
        if (judged.problems.length > 0) failed.push({ index, judged });
        else record(stats, judged.outcome);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const first = failed.sort((a, b) => a.index - b.index)[0];
    if (first) {
      await sleep(500);
      const found = failed.map((f) => describeCase(f.judged.outcome, f.judged.problems)).join("\n");
      if (!t.alive()) {
        const output = t.output?.() ?? "";
        const report = [
          `fuzz failure: the gateway process died (round seed ${seed}); the cases in flight that failed:`,
          found,
          lastLogged(output, seed, cases),
          `  its last output:\n${output.slice(-4000)}`,
          `the failing cases replay one by one: ${failed.map((f) => `--seed ${seed} --path "${f.index}"`).join(", ")}`,
        ].join("\n");
        return { stats, failure: report };
      }
      const shrunk = await shrink(t, seed, String(first.index), o);
      const failure =
        shrunk ??
        `fuzz failure that did not reproduce on replay:\n${found}\n${replayHint(seed, String(first.index))}`;
      return { stats, failure };
    }
    if (!t.alive()) return { stats, failure: `the gateway process died (round seed ${seed})` };
    await o.onRound?.(stats);
  }
  return { stats };
}

/** Whether a process is running (not gone, not a zombie waiting for its parent). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Resident set size of a process in MiB (`/proc/<pid>/status` VmRSS), undefined when it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] ? Math.round(Number(m[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** The pid that holds a gateway's data directory (its `portcullis.lock`): the gateway's own node process. */
export function gatewayPid(dataDir: string): number {
  const pid = Number(readFileSync(`${dataDir}/portcullis.lock`, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no gateway pid in ${dataDir}/portcullis.lock`);
  return pid;
}

/** How long `settledRssMb` samples the RSS of an idle gateway. */
export interface SettleWindow {
  /** Samples at least this long (V8's memory reducer shrinks the heap after some idle seconds). */
  readonly minMs: number;
  /** Then goes on until the RSS is back within the margin, or this long in all. */
  readonly maxMs: number;
}

/**
 * The gateway's RSS once it has idled: the lowest reading (every 500 ms) over at least `minMs`, and on until it is
 * within `marginMb` of `baselineMb` or `maxMs` have passed (V8 gives memory back lazily, in idle time).
 */
export async function settledRssMb(
  pid: number,
  baselineMb: number,
  marginMb: number,
  window: SettleWindow,
): Promise<number> {
  let lowest = Number.POSITIVE_INFINITY;
  const t0 = Date.now();
  for (;;) {
    lowest = Math.min(lowest, rssMb(pid) ?? Number.POSITIVE_INFINITY);
    const waited = Date.now() - t0;
    if ((waited >= window.minMs && lowest <= baselineMb + marginMb) || waited >= window.maxMs) return lowest;
    await sleep(500);
  }
}
