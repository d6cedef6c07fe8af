/**
 * The soak's pure analysis (`npm run bench -- --soak 30m`): duration parsing, the warm-up cut, least-squares trends
 * of the sampled series and the verdicts. No I/O here, so the rules that decide pass/fail are unit-tested
 * (`test/bench/soak-analysis.test.ts`).
 */

/** The processes whose resident memory the soak follows. */
export const SOAK_PROCESSES = ["gateway", "workers", "redis"] as const;
export type SoakProcess = (typeof SOAK_PROCESSES)[number];

/** The node processes whose `/metrics` the soak scrapes (redis-server has none). */
export type NodeProcess = Exclude<SoakProcess, "redis">;

/** One sample, taken every few seconds while the load runs. */
export interface SoakSample {
  /** Seconds since the load started. */
  t: number;
  /** VmRSS in MB; absent when the process could not be read (gone, or restarting). */
  rssMb: Partial<Record<SoakProcess, number>>;
  /** prom-client `nodejs_active_handles_total`. */
  handles: Partial<Record<NodeProcess, number>>;
  /** prom-client `nodejs_eventloop_lag_p99_seconds` in ms: the p99 since the previous scrape (it resets). */
  loopP99Ms: Partial<Record<NodeProcess, number>>;
  /** BullMQ jobs waiting, active, delayed or prioritized, over the incident and enforcement queues. */
  queueDepth?: number;
  /** Redis `used_memory` (MB) and key count: what the stored jobs, incidents and strikes take. */
  redisUsedMb?: number;
  redisKeys?: number;
}

/** What the soak saw once the load stopped and the drain wait was over. */
export interface SoakFinal {
  /** BullMQ waiting + active + delayed + prioritized after the drain wait. */
  queueDepth: number;
  /** Incident events still in the gateway's local spool (Redis did not take them). */
  spoolDepth: number;
  /** Requests the demo upstream has open (neither completed nor aborted): a stream the gateway failed to cancel. */
  upstreamOpen: number;
  /** Worker process restarts seen (a new pid) and whether every process was still alive at the end. */
  workerRestarts: number;
  allAlive: boolean;
}

/** Client-side outcome counts over the whole run. */
export interface SoakCounts {
  requests: number;
  /** 5xx answers to requests that were not meant to get one (an upstream-error request may). */
  unexpected5xx: number;
  /** Any status not in the request kind's expected set (5xx included). */
  unexpectedStatus: number;
  /** Connection errors and timeouts of requests the client did not abort itself. */
  transportErrors: number;
}

/** Acceptance limits; the defaults are the issue's. */
export interface SoakLimits {
  /** Largest allowed growth of a process's RSS, last fifth vs first fifth. @defaultValue 0.10 */
  rssGrowth: number;
  /** Largest allowed growth of Redis's memory per key added since idle, when its RSS grew more. @defaultValue 0.10 */
  redisPerKeyGrowth: number;
  /** Handle growth allowed, last fifth vs first fifth: the larger of this many handles ... @defaultValue 5 */
  handleSlack: number;
  /** ... and this share of the first fifth's mean. @defaultValue 0.10 */
  handleGrowth: number;
}

export const DEFAULT_LIMITS: SoakLimits = {
  rssGrowth: 0.1,
  redisPerKeyGrowth: 0.1,
  handleSlack: 5,
  handleGrowth: 0.1,
};

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration such as `90s`, `30m`, `2h`, `1h30m` or `500ms` into milliseconds. A bare number is refused:
 * "30" could mean seconds or minutes, and a soak of the wrong length wastes half an hour.
 * @example parseDuration("30m") // 1_800_000
 */
export function parseDuration(text: string): number {
  const s = text.trim().toLowerCase();
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let ms = 0;
  let at = 0;
  while (at < s.length) {
    part.lastIndex = at;
    const m = part.exec(s);
    if (!m?.[1] || !m[2]) break;
    ms += Number(m[1]) * (UNITS[m[2]] ?? Number.NaN);
    at = part.lastIndex;
  }
  if (s.length === 0 || at !== s.length || !Number.isFinite(ms) || ms <= 0)
    throw new Error(`bad duration "${text}": use a number with a unit, e.g. 90s, 30m, 2h, 1h30m`);
  return ms;
}

/** Formats milliseconds the way {@link parseDuration} reads them (`1h30m`, `90s` -> `1m30s`). */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const out = `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${s > 0 ? `${s}s` : ""}`;
  return out === "" ? `${Math.round(ms)}ms` : out;
}

/** The warm-up left out of every trend: the first 10% of the run or 2 minutes, whichever is smaller. */
export function warmupSeconds(loadSeconds: number): number {
  return Math.min(loadSeconds * 0.1, 120);
}

/** A point of a series: seconds, value. */
export type Point = readonly [t: number, v: number];

/** Least-squares slope of `v` over `t` (units of v per second); NaN with fewer than two distinct times. */
export function slope(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  let st = 0;
  let sv = 0;
  for (const [t, v] of points) {
    st += t;
    sv += v;
  }
  const mt = st / n;
  const mv = sv / n;
  let num = 0;
  let den = 0;
  for (const [t, v] of points) {
    num += (t - mt) * (v - mv);
    den += (t - mt) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;

/** How a series moved over the analysed window. */
export interface Trend {
  points: number;
  /** Mean of the first and of the last fifth of the points (at least one point each). */
  first: number;
  last: number;
  /** `(last - first) / first`; NaN when first is 0 or there are no points. */
  relChange: number;
  /** Least-squares slope, per hour. */
  slopePerHour: number;
  min: number;
  max: number;
}

/** The trend of a series (already cut to the analysed window). */
export function trend(points: readonly Point[]): Trend {
  const n = points.length;
  const k = Math.max(1, Math.floor(n / 5));
  const vs = points.map(([, v]) => v);
  const first = mean(vs.slice(0, k));
  const last = mean(vs.slice(Math.max(0, n - k)));
  return {
    points: n,
    first,
    last,
    relChange: first !== 0 && Number.isFinite(first) ? (last - first) / first : Number.NaN,
    slopePerHour: slope(points) * 3600,
    min: n === 0 ? Number.NaN : Math.min(...vs),
    max: n === 0 ? Number.NaN : Math.max(...vs),
  };
}

/** The points of one field of the samples taken after the warm-up, skipping samples without a value. */
export function seriesOf(
  samples: readonly SoakSample[],
  fromSeconds: number,
  pick: (s: SoakSample) => number | undefined,
): Point[] {
  const out: Point[] = [];
  for (const s of samples) {
    const v = pick(s);
    if (s.t >= fromSeconds && v !== undefined && Number.isFinite(v)) out.push([s.t, v]);
  }
  return out;
}

/** Median and worst of the per-window event-loop p99s, plus their first/last fifth. */
export interface LoopDelay {
  medianMs: number;
  maxMs: number;
  firstFifthMs: number;
  lastFifthMs: number;
}

function loopDelay(points: readonly Point[]): LoopDelay {
  const sorted = points.map(([, v]) => v).sort((a, b) => a - b);
  const t = trend(points);
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    maxMs: sorted.at(-1) ?? Number.NaN,
    firstFifthMs: t.first,
    lastFifthMs: t.last,
  };
}

/** The soak's verdicts: each true when met. */
export interface SoakVerdicts {
  /** The gateway's and the workers' RSS grew at most `rssGrowth` from the first to the last fifth (a fall is fine). */
  rssFlat: boolean;
  /**
   * redis-server's RSS grew at most `rssGrowth`, or it grew only with the keys stored: Redis's memory per key added
   * since idle grew at most `redisPerKeyGrowth`. Completed jobs (10,000 per queue, 24 h) and incidents (30 days) are
   * kept by design, so a soak shorter than those caps sees Redis grow with them; a bloating key or server does not
   * grow in step with the key count.
   */
  redisFlat: boolean;
  /** The gateway's and the workers' active handles grew no more than the slack. */
  handlesFlat: boolean;
  /** No BullMQ job left waiting or active and nothing in the spool after the drain wait. */
  queuesDrained: boolean;
  /** No 5xx outside the requests that asked the demo upstream for an error. */
  no5xx: boolean;
  /** Every status was the expected one and no request failed at the transport (timeouts included). */
  requestsAsExpected: boolean;
  /** No worker restart, every process alive at the end, and no upstream request left open (cancels propagate). */
  processesClean: boolean;
}

/** Everything the report prints and the results file keeps. */
export interface SoakAnalysis {
  loadSeconds: number;
  warmupSeconds: number;
  samples: number;
  rssMb: Partial<Record<SoakProcess, Trend>>;
  /** Redis `used_memory` per key added since idle, in KB; absent without Redis figures. */
  redisKbPerKey?: Trend;
  handles: Partial<Record<NodeProcess, Trend & { growth: number; allowed: number }>>;
  loopP99: Partial<Record<NodeProcess, LoopDelay>>;
  final: SoakFinal;
  counts: SoakCounts;
  verdicts: SoakVerdicts;
  /** Every verdict met. */
  pass: boolean;
}

/** Trends over the samples after the warm-up, and the verdicts. */
export function analyseSoak(o: {
  samples: readonly SoakSample[];
  loadSeconds: number;
  final: SoakFinal;
  counts: SoakCounts;
  /** The sample taken before the load: Redis's memory and keys before any traffic. */
  idle?: SoakSample;
  limits?: SoakLimits;
}): SoakAnalysis {
  const limits = o.limits ?? DEFAULT_LIMITS;
  const from = warmupSeconds(o.loadSeconds);
  const inLoad = o.samples.filter((s) => s.t <= o.loadSeconds);
  const rssMb: SoakAnalysis["rssMb"] = {};
  for (const p of SOAK_PROCESSES) {
    const pts = seriesOf(inLoad, from, (s) => s.rssMb[p]);
    if (pts.length > 0) rssMb[p] = trend(pts);
  }
  const handles: SoakAnalysis["handles"] = {};
  const loopP99: SoakAnalysis["loopP99"] = {};
  for (const p of ["gateway", "workers"] as const) {
    const h = seriesOf(inLoad, from, (s) => s.handles[p]);
    if (h.length > 0) {
      const t = trend(h);
      handles[p] = {
        ...t,
        growth: t.last - t.first,
        allowed: Math.max(limits.handleSlack, limits.handleGrowth * t.first),
      };
    }
    const l = seriesOf(inLoad, from, (s) => s.loopP99Ms[p]);
    if (l.length > 0) loopP99[p] = loopDelay(l);
  }
  const idleUsed = o.idle?.redisUsedMb ?? 0;
  const idleKeys = o.idle?.redisKeys ?? 0;
  const perKey = seriesOf(inLoad, from, (s) =>
    s.redisUsedMb !== undefined && s.redisKeys !== undefined && s.redisKeys > idleKeys
      ? ((s.redisUsedMb - idleUsed) * 1024) / (s.redisKeys - idleKeys)
      : undefined,
  );
  const redisKbPerKey = perKey.length > 0 ? trend(perKey) : undefined;
  const redisRss = rssMb.redis?.relChange ?? Number.NaN;
  const nodeTrends = [rssMb.gateway, rssMb.workers];
  const handleTrends = Object.values(handles);
  const verdicts: SoakVerdicts = {
    // A process never sampled after the warm-up cannot be called flat.
    rssFlat: nodeTrends.every(
      (t) => t !== undefined && Number.isFinite(t.relChange) && t.relChange <= limits.rssGrowth,
    ),
    redisFlat:
      (Number.isFinite(redisRss) && redisRss <= limits.rssGrowth) ||
      (Number.isFinite(redisRss) &&
        redisKbPerKey !== undefined &&
        Number.isFinite(redisKbPerKey.relChange) &&
        redisKbPerKey.relChange <= limits.redisPerKeyGrowth),
    handlesFlat:
      handleTrends.length === 2 &&
      handleTrends.every((t) => Number.isFinite(t.growth) && t.growth <= t.allowed),
    queuesDrained: o.final.queueDepth === 0 && o.final.spoolDepth === 0,
    no5xx: o.counts.unexpected5xx === 0,
    requestsAsExpected: o.counts.unexpectedStatus === 0 && o.counts.transportErrors === 0,
    processesClean: o.final.allAlive && o.final.workerRestarts === 0 && o.final.upstreamOpen === 0,
  };
  return {
    loadSeconds: o.loadSeconds,
    warmupSeconds: from,
    samples: inLoad.length,
    rssMb,
    ...(redisKbPerKey ? { redisKbPerKey } : {}),
    handles,
    loopP99,
    final: o.final,
    counts: o.counts,
    verdicts,
    pass: Object.values(verdicts).every(Boolean),
  };
}
