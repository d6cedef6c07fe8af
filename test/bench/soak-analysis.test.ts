import { describe, expect, it } from "vitest";
import {
  analyseSoak,
  formatDuration,
  parseDuration,
  slope,
  trend,
  warmupSeconds,
  type SoakCounts,
  type SoakFinal,
  type SoakSample,
} from "../../bench/lib/soak-analysis.ts";

describe("parseDuration", () => {
  it("reads the units the soak accepts, alone and combined", () => {
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("1.5m")).toBe(90_000);
    expect(parseDuration(" 3M ")).toBe(180_000);
  });

  it.each(["30", "", "m", "5x", "-1m", "0s", "3m junk", "1h 30m"])("refuses %j", (text) => {
    expect(() => parseDuration(text)).toThrow(/bad duration/);
  });

  it("formats back what it reads", () => {
    for (const d of ["30m", "90s", "2h", "1h30m", "1h0m5s"])
      expect(parseDuration(formatDuration(parseDuration(d)))).toBe(parseDuration(d));
    expect(formatDuration(90_000)).toBe("1m30s");
  });
});

describe("warm-up", () => {
  it("is 10% of the run, at most 2 minutes", () => {
    expect(warmupSeconds(180)).toBeCloseTo(18);
    expect(warmupSeconds(1200)).toBe(120);
    expect(warmupSeconds(1800)).toBe(120);
  });
});

describe("slope and trend", () => {
  it("is the least-squares slope per second", () => {
    expect(
      slope([
        [0, 10],
        [10, 20],
        [20, 30],
      ]),
    ).toBeCloseTo(1);
    // Noise around a flat line: the residuals cancel.
    expect(
      slope([
        [0, 10],
        [1, 12],
        [2, 8],
        [3, 10],
      ]),
    ).toBeCloseTo(-0.4);
    expect(slope([[5, 1]])).toBeNaN();
    expect(
      slope([
        [5, 1],
        [5, 3],
      ]),
    ).toBeNaN();
  });

  it("compares the mean of the first and the last fifth", () => {
    const pts = Array.from({ length: 10 }, (_, i) => [i * 3600, i < 2 ? 100 : i >= 8 ? 130 : 115] as const);
    const t = trend(pts);
    expect(t.first).toBe(100);
    expect(t.last).toBe(130);
    expect(t.relChange).toBeCloseTo(0.3);
    expect(t.min).toBe(100);
    expect(t.max).toBe(130);
    expect(t.slopePerHour).toBeGreaterThan(0);
  });
});

const finalOk: SoakFinal = {
  queueDepth: 0,
  spoolDepth: 0,
  upstreamOpen: 0,
  workerRestarts: 0,
  allAlive: true,
};
const countsOk: SoakCounts = { requests: 1000, unexpected5xx: 0, unexpectedStatus: 0, transportErrors: 0 };

/** 300 s of samples every 5 s; `f` gives each series at time t. */
function run(
  f: (t: number) => Partial<Record<"gw" | "wk" | "rd" | "hg" | "used" | "keys", number>>,
): SoakSample[] {
  const out: SoakSample[] = [];
  for (let t = 5; t <= 300; t += 5) {
    const v = { gw: 300, wk: 100, rd: 15, hg: 20, used: 2, keys: 100, ...f(t) };
    out.push({
      t,
      rssMb: { gateway: v.gw, workers: v.wk, redis: v.rd },
      handles: { gateway: v.hg, workers: 8 },
      loopP99Ms: { gateway: 20, workers: 10 },
      queueDepth: 0,
      redisUsedMb: v.used,
      redisKeys: v.keys,
    });
  }
  return out;
}

const idle: SoakSample = { t: 0, rssMb: {}, handles: {}, loopP99Ms: {}, redisUsedMb: 1, redisKeys: 4 };
const analyse = (samples: SoakSample[], o: { final?: SoakFinal; counts?: SoakCounts } = {}) =>
  analyseSoak({ samples, loadSeconds: 300, final: o.final ?? finalOk, counts: o.counts ?? countsOk, idle });

describe("analyseSoak", () => {
  it("passes a run where nothing grows", () => {
    const a = analyse(run(() => ({})));
    expect(a.verdicts).toEqual({
      rssFlat: true,
      redisFlat: true,
      handlesFlat: true,
      queuesDrained: true,
      no5xx: true,
      requestsAsExpected: true,
      processesClean: true,
    });
    expect(a.pass).toBe(true);
    expect(a.warmupSeconds).toBe(30);
    expect(a.rssMb.gateway?.relChange).toBe(0);
    expect(a.loopP99.gateway?.medianMs).toBe(20);
  });

  it("fails a gateway whose RSS keeps growing, and reports the slope per hour", () => {
    const a = analyse(run((t) => ({ gw: 300 + t * 0.2 })));
    expect(a.verdicts.rssFlat).toBe(false);
    expect(a.rssMb.gateway?.slopePerHour).toBeCloseTo(720);
    expect(a.pass).toBe(false);
  });

  it("leaves the warm-up and the drain out of the trends", () => {
    // A jump inside the warm-up (first 30 s) and a drop after the load ended (t > 300) change nothing.
    const samples = run((t) => ({ gw: t <= 30 ? 200 : 300, wk: t <= 30 ? 50 : 100 }));
    const last = samples.at(-1);
    if (last) samples.push({ ...last, t: 320, rssMb: { gateway: 900, workers: 900, redis: 900 } });
    const a = analyse(samples);
    expect(a.verdicts.rssFlat).toBe(true);
    expect(a.rssMb.gateway?.max).toBe(300);
  });

  it("counts a process missing from every sample as not flat", () => {
    const samples = run(() => ({})).map((s) => ({ ...s, rssMb: { gateway: 300, redis: 15 } }));
    expect(analyse(samples).verdicts.rssFlat).toBe(false);
  });

  it("passes Redis growing only with the keys it stores, and fails Redis bloating", () => {
    // 1 MB per 1,000 keys, steady: retention, not a leak.
    const retained = run((t) => ({ rd: 15 + t * 0.1, keys: 4 + t * 10, used: 1 + t * 0.01 }));
    expect(analyse(retained).verdicts.redisFlat).toBe(true);
    // Same keys, memory per key doubling: something grows inside the keys.
    const bloating = run((t) => ({
      rd: 15 + t * 0.1,
      keys: 4 + t * 10,
      used: 1 + t * 0.01 + (t * t) / 10_000,
    }));
    const a = analyse(bloating);
    expect(a.verdicts.redisFlat).toBe(false);
    expect(a.redisKbPerKey?.relChange).toBeGreaterThan(0.1);
  });

  it("allows handles to wander within the slack, not beyond", () => {
    expect(analyse(run((t) => ({ hg: t > 240 ? 24 : 20 }))).verdicts.handlesFlat).toBe(true);
    const leak = analyse(run((t) => ({ hg: 20 + Math.floor(t / 10) })));
    expect(leak.verdicts.handlesFlat).toBe(false);
    expect(leak.handles.gateway?.growth).toBeGreaterThan(leak.handles.gateway?.allowed ?? Infinity);
  });

  it("fails undrained queues, a non-empty spool, unexpected 5xx and unclean processes", () => {
    const s = run(() => ({}));
    expect(analyse(s, { final: { ...finalOk, queueDepth: 3 } }).verdicts.queuesDrained).toBe(false);
    expect(analyse(s, { final: { ...finalOk, spoolDepth: 1 } }).verdicts.queuesDrained).toBe(false);
    expect(analyse(s, { final: { ...finalOk, queueDepth: Number.NaN } }).verdicts.queuesDrained).toBe(false);
    expect(analyse(s, { counts: { ...countsOk, unexpected5xx: 1 } }).verdicts.no5xx).toBe(false);
    expect(analyse(s, { counts: { ...countsOk, transportErrors: 2 } }).verdicts.requestsAsExpected).toBe(
      false,
    );
    expect(analyse(s, { final: { ...finalOk, upstreamOpen: 4 } }).verdicts.processesClean).toBe(false);
    expect(analyse(s, { final: { ...finalOk, workerRestarts: 1 } }).verdicts.processesClean).toBe(false);
  });
});
