/**
 * Loosening detection checked against the screener itself (issue 10, item 6): random prompt-stage policies get
 * random changes (tiers added, merged, split, reordered, classifiers added, moved or dropped, bands, thresholds,
 * fail modes, tier combination); every change `looseningReasons` lets through without a second admin must never
 * lower the action the real screener takes on random classifier scores and failures.
 */
import { describe, expect, it } from "vitest";
import { err, ok, type Classifier, type Scores, type ScoreKey } from "../../../classifiers/types.ts";
import { looseningReasons } from "../../../gateway/admin/loosening.ts";
import type { StagePolicy, Threshold } from "../../../config/schema.ts";
import { createMetrics } from "../../../gateway/observability/metrics.ts";
import { SEVERITY } from "../../../gateway/screening/decide.ts";
import type { ResolvedPolicy } from "../../../gateway/screening/policy.ts";
import { createScreener } from "../../../gateway/screening/screener.ts";

/** mulberry32: a small seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ["c0", "c1", "c2", "c3", "c4", "c5"];
const KEYS: ScoreKey[] = ["harmful", "cbrn", "attack"];

/** What every classifier answers for the current input. */
const world = { scores: new Map<string, Scores>(), failing: new Set<string>() };

const classifiers = new Map<string, Classifier>(
  NAMES.map((name) => [
    name,
    {
      name,
      kind: "rules",
      classify: () =>
        Promise.resolve(
          world.failing.has(name)
            ? err({ code: "failed" as const, message: "down", retryable: false })
            : ok(world.scores.get(name) ?? {}),
        ),
    },
  ]),
);
const screener = createScreener({ classifiers, metrics: createMetrics({ collectDefaults: false }) });

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const round = (x: number) => Math.round(x * 20) / 20;

function randomThreshold(r: Rand): Threshold {
  const t: Threshold = {};
  if (r() < 0.5) t.block = round(0.5 + r() * 0.5);
  if (r() < 0.5) t.flag = round(0.2 + r() * 0.5);
  if (r() < 0.3) t.shadow = round(r() * 0.4);
  if (r() < 0.3) t.label = round(r() * 0.5);
  return t;
}

function randomStage(r: Rand): StagePolicy {
  const pool = NAMES.filter(() => r() < 0.6);
  const used = pool.length > 0 ? pool : ["c0"];
  const tiers: string[][] = [];
  for (const c of used) {
    const last = tiers[tiers.length - 1];
    if (last && r() < 0.5) last.push(c);
    else tiers.push([c]);
  }
  const thresholds: StagePolicy["thresholds"] = {};
  for (const k of KEYS) if (r() < 0.8) thresholds[k] = randomThreshold(r);
  const low = round(r() * 0.5);
  return {
    enabled: true,
    cascade: tiers,
    uncertain: { low, high: round(low + r() * 0.5) },
    thresholds,
    deadlineMs: 1_000,
    failMode: r() < 0.5 ? "open" : "closed",
    ...(r() < 0.2 ? { combine: "replace" as const } : {}),
  };
}

/** One random edit of a stage, of the kinds an admin can request. */
function mutate(r: Rand, s: StagePolicy): StagePolicy {
  const cascade = s.cascade.map((t) => [...t]);
  const i = Math.floor(r() * cascade.length);
  const fresh = pick(r, NAMES);
  const edits: (() => StagePolicy)[] = [
    () => ({ ...s, cascade: [...cascade, [fresh]] }),
    () => ({ ...s, cascade: cascade.map((t, j) => (j === i ? [...t, fresh] : t)) }),
    () => ({ ...s, cascade: cascade.map((t, j) => (j === i ? t.slice(1) : t)).filter((t) => t.length > 0) }),
    () => ({ ...s, cascade: [...cascade].reverse() }),
    () => ({
      ...s,
      cascade: cascade.length > 1 ? [cascade.slice(0, 2).flat(), ...cascade.slice(2)] : cascade,
    }),
    () => ({ ...s, cascade: cascade.flatMap((t) => t.map((c) => [c])) }),
    () => ({ ...s, cascade: [[fresh], ...cascade] }),
    () => ({ ...s, uncertain: { low: round(s.uncertain.low + (r() - 0.5) / 2), high: s.uncertain.high } }),
    () => ({ ...s, uncertain: { low: s.uncertain.low, high: round(s.uncertain.high + (r() - 0.5) / 2) } }),
    () => ({ ...s, thresholds: { ...s.thresholds, [pick(r, KEYS)]: randomThreshold(r) } }),
    () => {
      const thresholds = { ...s.thresholds };
      delete thresholds[pick(r, KEYS)];
      return { ...s, thresholds };
    },
    () => ({ ...s, failMode: s.failMode === "open" ? "closed" : "open" }),
    () => (s.combine === "replace" ? { ...s, combine: "max" } : { ...s, combine: "replace" }),
    () => ({ ...s, enabled: !s.enabled }),
  ];
  return pick(r, edits)();
}

function resolved(prompt: StagePolicy): ResolvedPolicy {
  const stream = { mode: "hold-back" as const, scoreEveryChars: 96, holdBackChars: 256, maxHoldMs: 150 };
  return {
    name: "p",
    version: "1",
    asl: 3,
    stages: { prompt, conversation: prompt, completion: prompt },
    stream,
  };
}

function randomWorld(r: Rand): void {
  world.scores.clear();
  world.failing.clear();
  for (const c of NAMES) {
    const s: Scores = {};
    for (const k of KEYS) if (r() < 0.8) s[k] = round(r());
    world.scores.set(c, s);
    if (r() < 0.08) world.failing.add(c);
  }
}

async function action(p: StagePolicy): Promise<number> {
  if (!p.enabled) return SEVERITY.allow;
  const out = await screener.runStage(
    "prompt",
    p,
    { stage: "prompt", text: "x" },
    new AbortController().signal,
  );
  return SEVERITY[out.action];
}

describe("loosening detection against the screener", () => {
  it("never lets through, without a second admin, a change that lowers an action", async () => {
    const r = prng(10_6);
    let accepted = 0;
    let flagged = 0;
    for (let trial = 0; trial < 400; trial++) {
      const before = randomStage(r);
      let after = mutate(r, before);
      if (r() < 0.4) after = mutate(r, after);
      if (looseningReasons(resolved(before), resolved(after)).length > 0) {
        flagged++;
        continue;
      }
      accepted++;
      for (let n = 0; n < 40; n++) {
        randomWorld(r);
        const [b, a] = [await action(before), await action(after)];
        if (a < b) {
          const state = {
            before,
            after,
            scores: Object.fromEntries(world.scores),
            failing: [...world.failing],
          };
          expect.fail(`an accepted change lowered the action:\n${JSON.stringify(state)}`);
        }
      }
    }
    // Both kinds occur, so neither branch is vacuous.
    expect(accepted).toBeGreaterThan(80);
    expect(flagged).toBeGreaterThan(80);
  });
});
