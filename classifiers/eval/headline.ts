/**
 * Headline figures of `npm run eval` (issue 9): out-of-distribution, with the asl3 action. Every figure is on rows
 * the evaluated model never trained on: the report half of the realistic benign set, eval-only (non-permissive)
 * harmful and attack sources, look-alike sources, and - in leave-one-out runs (`loso.ts`) - the held-out group.
 */
import { isSynthetic, rowAttack } from "../data.ts";
import { auroc, recallAtFpr, thresholdAtFpr } from "../metrics.ts";
import type { ScoreKey, Stage } from "../types.ts";
import { asl3Action } from "./asl3.ts";
import type { Thresholds } from "./asl3.ts";
import type { ScoredRow } from "./evaluate.ts";
import { LOOKALIKE_SOURCES, isEvalOnlyHarmful, isRealisticBenign, realisticHalf } from "./realistic.ts";

type Fig = number | null;
const r4 = (x: number): Fig => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);

/** asl3 action rates over a set of rows. */
export interface ActionRates {
  rows: number;
  /** Share flagged or blocked. */
  flagOrBlock: Fig;
  blocked: Fig;
}

/** Figures for a group of rows (a source, a category, a held-out group). */
export interface GroupFigures extends ActionRates {
  /** Recall of the `harmful` (or `attack`) head at the score the realistic benign set exceeds 1% of the time. */
  recallAt1pctRealisticFpr?: Fig;
}

/** The headline report of one stage. */
export interface HeadlineReport {
  stage: Stage;
  realisticBenign: ActionRates & { bySource: Record<string, ActionRates> };
  /** Harmful-head score above which 1% of the realistic benign report half lies. */
  harmfulAt1pctFpr: Fig;
  harmfulOod?: GroupFigures & { bySource: Record<string, GroupFigures> };
  attackOod?: GroupFigures & { bySource: Record<string, GroupFigures> };
  cbrnOod?: GroupFigures;
  lookalikes?: ActionRates & { bySource: Record<string, ActionRates> };
  /** Completion stage: agreement of "flagged or blocked" with human labels of compliance. */
  agreement?: Record<string, { rows: number; accuracy: Fig }>;
  /** Conversation stage: AUROC of `harmful` on eval-only and held-out conversations. */
  conversationAuroc?: Record<string, { rows: number; harmful: number; auroc: Fig }>;
}

/** asl3 action rates of `rows`. */
export function actionRates(stage: Stage, rows: readonly ScoredRow[], th: Thresholds): ActionRates {
  let flagged = 0;
  let blocked = 0;
  for (const r of rows) {
    const a = asl3Action(stage, r.scores, th);
    if (a !== "allow") flagged++;
    if (a === "block") blocked++;
  }
  const n = rows.length;
  return { rows: n, flagOrBlock: n ? r4(flagged / n) : null, blocked: n ? r4(blocked / n) : null };
}

function groupBy(rows: readonly ScoredRow[], key: (r: ScoredRow) => string): Map<string, ScoredRow[]> {
  const m = new Map<string, ScoredRow[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return new Map([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Figures of a harmful group: asl3 rates and recall of `head` at the realistic 1%-FPR score. */
export function groupFigures(
  stage: Stage,
  rows: readonly ScoredRow[],
  th: Thresholds,
  head: ScoreKey,
  benignScores: readonly number[],
): GroupFigures {
  return {
    ...actionRates(stage, rows, th),
    recallAt1pctRealisticFpr: r4(
      recallAtFpr(
        rows.map((r) => r.scores[head] ?? 0),
        benignScores,
        0.01,
      ),
    ),
  };
}

function bySourceFigures(
  stage: Stage,
  rows: readonly ScoredRow[],
  th: Thresholds,
  head: ScoreKey,
  benign: readonly number[],
) {
  const bySource: Record<string, GroupFigures> = {};
  for (const [src, list] of groupBy(rows, (r) => r.row.source))
    bySource[src] = groupFigures(stage, list, th, head, benign);
  return { ...groupFigures(stage, rows, th, head, benign), bySource };
}

/** The realistic benign rows a figure is reported on (never the calibration half). */
function realisticReport(rows: readonly ScoredRow[]): ScoredRow[] {
  return rows.filter((r) => isRealisticBenign(r.row) && realisticHalf(r.row) === "report");
}

/** Computes the headline figures of one stage from every scored row (all splits, shared and synthetic). */
export function headlineFigures(stage: Stage, rows: readonly ScoredRow[], th: Thresholds): HeadlineReport {
  const benign = realisticReport(rows);
  const benignHarmful = benign.map((r) => r.scores.harmful ?? 0);
  const bySource: Record<string, ActionRates> = {};
  for (const [src, list] of groupBy(benign, (r) =>
    isSynthetic(r.row) ? "synthetic (val split)" : r.row.source,
  ))
    bySource[src] = actionRates(stage, list, th);
  const out: HeadlineReport = {
    stage,
    realisticBenign: { ...actionRates(stage, benign, th), bySource },
    harmfulAt1pctFpr: r4(thresholdAtFpr(benignHarmful, 0.01)),
  };
  const ood = rows.filter((r) => isEvalOnlyHarmful(r.row));
  if (stage === "prompt") {
    const payload = ood.filter((r) => rowAttack(r.row) === null);
    const attack = ood.filter((r) => rowAttack(r.row) !== null);
    out.harmfulOod = bySourceFigures(stage, payload, th, "harmful", benignHarmful);
    out.attackOod = bySourceFigures(
      stage,
      attack,
      th,
      "attack",
      benign.map((r) => r.scores.attack ?? 0),
    );
    const cbrn = ood.filter((r) => r.row.categories.includes("cbrn"));
    out.cbrnOod = groupFigures(stage, cbrn, th, "harmful", benignHarmful);
    const look = rows.filter(
      (r) =>
        !r.row.harmful && LOOKALIKE_SOURCES.has(r.row.source) && (!r.row.permissive || r.row.split === "val"),
    );
    const lookBySource: Record<string, ActionRates> = {};
    for (const [src, list] of groupBy(look, (r) => r.row.source))
      lookBySource[src] = actionRates(stage, list, th);
    out.lookalikes = { ...actionRates(stage, look, th), bySource: lookBySource };
  }
  if (stage === "completion") {
    const agreement: Record<string, { rows: number; accuracy: Fig }> = {};
    const judged = rows.filter(
      (r) => !isSynthetic(r.row) && !r.row.weak && (!r.row.permissive || r.row.split === "val"),
    );
    for (const [src, list] of groupBy(judged, (r) => `${r.row.source}${r.row.permissive ? " (val)" : ""}`)) {
      const hits = list.filter((r) => (asl3Action(stage, r.scores, th) !== "allow") === r.row.harmful).length;
      agreement[src] = { rows: list.length, accuracy: r4(hits / list.length) };
    }
    out.agreement = agreement;
  }
  if (stage === "conversation") {
    const conv: Record<string, { rows: number; harmful: number; auroc: Fig }> = {};
    const held = rows.filter((r) => !isSynthetic(r.row) && (!r.row.permissive || r.row.split === "val"));
    for (const [src, list] of groupBy(held, (r) => r.row.source)) {
      const pos = list.filter((r) => r.row.harmful).map((r) => r.scores.harmful ?? 0);
      const neg = list.filter((r) => !r.row.harmful).map((r) => r.scores.harmful ?? 0);
      conv[src] = {
        rows: list.length,
        harmful: pos.length,
        auroc: pos.length && neg.length ? r4(auroc(pos, neg)) : null,
      };
    }
    const pos = held.filter((r) => r.row.harmful).map((r) => r.scores.harmful ?? 0);
    const neg = held.filter((r) => !r.row.harmful).map((r) => r.scores.harmful ?? 0);
    conv["all held-out"] = { rows: held.length, harmful: pos.length, auroc: r4(auroc(pos, neg)) };
    out.conversationAuroc = conv;
  }
  return out;
}
