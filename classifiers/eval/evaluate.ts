/** Computes the eval report of one stage from scored val rows (see `npm run eval`). */
import type { DataRow } from "../data.ts";
import { rowAttack } from "../data.ts";
import { auprc, auroc, rateAtOrAbove, recallAtFpr } from "../metrics.ts";
import { HARM_CATEGORIES } from "../types.ts";
import type { ScoreKey, Scores, Stage } from "../types.ts";
import type { KeyThresholds } from "../window-scale.ts";
import { EVERYDAY_SOURCES, HARD_NEGATIVE_SOURCES } from "./sources.ts";

/** A val row with its scores. */
export interface ScoredRow {
  readonly row: DataRow;
  readonly scores: Scores;
}

type Thresholds = Partial<Record<ScoreKey, KeyThresholds>>;
type Fig = number | null;
const r4 = (x: number): Fig => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);

/** The action the calibrated thresholds give: block if any key >= block, else flag if any key >= flag. */
export function actionFor(scores: Scores, thresholds: Thresholds): "allow" | "flag" | "block" {
  const entries = Object.entries(scores) as [ScoreKey, number][];
  if (entries.some(([k, p]) => p >= (thresholds[k]?.block ?? 2))) return "block";
  if (entries.some(([k, p]) => p >= (thresholds[k]?.flag ?? 2))) return "flag";
  return "allow";
}

/** Figures for one subset of rows. */
export interface SubsetReport {
  rows: number;
  harmful: number;
  benign: number;
  harmfulHead: Record<string, Fig>;
  action: Record<string, Fig>;
  attack?: Record<string, Fig>;
  categories: Record<string, Record<string, Fig>>;
  overRefusal: {
    rows: number;
    flagRate: Fig;
    blockRate: Fig;
    bySource: Record<string, { rows: number; flagRate: Fig }>;
  };
  /** Benign everyday-instruction sources (`EVERYDAY_SOURCES`): over-refusal on ordinary traffic. */
  everyday?: { rows: number; flagRate: Fig; blockRate: Fig };
  bySource: Record<
    string,
    { rows: number; harmful: number; flagRate: Fig; blockRate: Fig; meanHarmful: Fig }
  >;
  completion?: Record<string, Fig>;
}

const pick = (rows: readonly ScoredRow[], key: ScoreKey, f: (r: ScoredRow) => boolean) =>
  rows.filter(f).map((r) => r.scores[key] ?? 0);

function headFigures(pos: number[], neg: number[], t: KeyThresholds | undefined): Record<string, Fig> {
  return {
    auroc: r4(auroc(pos, neg)),
    auprc: r4(auprc(pos, neg)),
    recallAt1pctFpr: r4(recallAtFpr(pos, neg, 0.01)),
    recallAtFlag: r4(rateAtOrAbove(pos, t?.flag ?? 2)),
    fprAtFlag: r4(rateAtOrAbove(neg, t?.flag ?? 2)),
    recallAtBlock: r4(rateAtOrAbove(pos, t?.block ?? 2)),
    fprAtBlock: r4(rateAtOrAbove(neg, t?.block ?? 2)),
  };
}

function share(rows: readonly ScoredRow[], actions: Map<ScoredRow, string>, level: "flag" | "block"): Fig {
  if (rows.length === 0) return null;
  const hit = rows.filter((r) => {
    const a = actions.get(r);
    return level === "flag" ? a !== "allow" : a === "block";
  }).length;
  return r4(hit / rows.length);
}

/** Evaluates one subset (e.g. permissive-only or all val rows) of a stage. */
export function evaluateSubset(
  stage: Stage,
  rows: readonly ScoredRow[],
  thresholds: Thresholds,
): SubsetReport {
  const actions = new Map(rows.map((r) => [r, actionFor(r.scores, thresholds)]));
  const harmful = rows.filter((r) => r.row.harmful);
  const benign = rows.filter((r) => !r.row.harmful);
  const isBenign = (r: ScoredRow) => !r.row.harmful;
  const rep: SubsetReport = {
    rows: rows.length,
    harmful: harmful.length,
    benign: benign.length,
    harmfulHead: headFigures(
      pick(rows, "harmful", (r) => r.row.harmful),
      pick(rows, "harmful", isBenign),
      thresholds.harmful,
    ),
    action: {
      recallAtFlag: share(harmful, actions, "flag"),
      fprAtFlag: share(benign, actions, "flag"),
      recallAtBlock: share(harmful, actions, "block"),
      fprAtBlock: share(benign, actions, "block"),
    },
    categories: {},
    overRefusal: { rows: 0, flagRate: null, blockRate: null, bySource: {} },
    bySource: {},
  };
  if (stage !== "completion") {
    const isAtk = (r: ScoredRow) => rowAttack(r.row) !== null;
    rep.attack = {
      positives: rows.filter(isAtk).length,
      ...headFigures(pick(rows, "attack", isAtk), pick(rows, "attack", isBenign), thresholds.attack),
    };
  }
  for (const cat of HARM_CATEGORIES) {
    const has = (r: ScoredRow) => r.row.categories.includes(cat);
    const pos = pick(rows, cat, has);
    rep.categories[cat] = {
      positives: pos.length,
      ...headFigures(pos, pick(rows, cat, isBenign), thresholds[cat]),
    };
  }
  const hard = benign.filter((r) => HARD_NEGATIVE_SOURCES.has(r.row.source));
  rep.overRefusal = {
    rows: hard.length,
    flagRate: share(hard, actions, "flag"),
    blockRate: share(hard, actions, "block"),
    bySource: {},
  };
  const everyday = benign.filter((r) => EVERYDAY_SOURCES.has(r.row.source));
  rep.everyday = {
    rows: everyday.length,
    flagRate: share(everyday, actions, "flag"),
    blockRate: share(everyday, actions, "block"),
  };
  const sources = [...new Set(rows.map((r) => r.row.source))].sort();
  for (const s of sources) {
    const sr = rows.filter((r) => r.row.source === s);
    const mean = sr.reduce((a, r) => a + (r.scores.harmful ?? 0), 0) / sr.length;
    rep.bySource[s] = {
      rows: sr.length,
      harmful: sr.filter((r) => r.row.harmful).length,
      flagRate: share(sr, actions, "flag"),
      blockRate: share(sr, actions, "block"),
      meanHarmful: r4(mean),
    };
    if (HARD_NEGATIVE_SOURCES.has(s)) {
      const hb = sr.filter(isBenign);
      if (hb.length) rep.overRefusal.bySource[s] = { rows: hb.length, flagRate: share(hb, actions, "flag") };
    }
  }
  if (stage === "completion") {
    const human = rows.filter((r) => !r.row.weak);
    const acc = (f: (r: ScoredRow) => boolean) =>
      human.length ? r4(human.filter((r) => f(r) === r.row.harmful).length / human.length) : null;
    rep.completion = {
      humanLabelledRows: human.length,
      accuracyAtFlag: acc((r) => actions.get(r) !== "allow"),
      accuracyAtHarmful05: acc((r) => (r.scores.harmful ?? 0) >= 0.5),
    };
  }
  return rep;
}
