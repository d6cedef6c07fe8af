/** Headline validation figures written into the manifest (the full report comes from `npm run eval`). */
import { HARD_NEGATIVE_SOURCES } from "../eval/sources.ts";
import { auprc, auroc, rateAtOrAbove, recallAtFpr } from "../metrics.ts";
import type { ScoreKey, Stage } from "../types.ts";
import type { KeyThresholds } from "../window-scale.ts";
import type { LabelledInput } from "./examples.ts";

const r4 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);

/** True when any key reaches its threshold of the given level. */
export function fires(
  labels: readonly ScoreKey[],
  scores: ArrayLike<number>,
  thresholds: Partial<Record<ScoreKey, KeyThresholds>>,
  level: keyof KeyThresholds,
): boolean {
  return labels.some((key, k) => (scores[k] ?? 0) >= (thresholds[key]?.[level] ?? 2));
}

/** Headline figures on the permissive val rows. */
export function summarize(
  stage: Stage,
  labels: readonly ScoreKey[],
  val: readonly LabelledInput[],
  scores: readonly ArrayLike<number>[],
  thresholds: Partial<Record<ScoreKey, KeyThresholds>>,
): Record<string, number | null> {
  const col = (k: number, pick: (it: LabelledInput) => boolean) =>
    val.flatMap((it, i) => (pick(it) ? [scores[i]?.[k] ?? 0] : []));
  const h = labels.indexOf("harmful");
  const pos = col(h, (it) => it.row.harmful);
  const neg = col(h, (it) => !it.row.harmful);
  const flagged = val.map((_, i) => fires(labels, scores[i] ?? [], thresholds, "flag"));
  const share = (pick: (it: LabelledInput) => boolean) => {
    const idx = val.flatMap((it, i) => (pick(it) ? [i] : []));
    return idx.length ? idx.filter((i) => flagged[i]).length / idx.length : Number.NaN;
  };
  const out: Record<string, number | null> = {
    val_rows: val.length,
    harmful_auroc: r4(auroc(pos, neg)),
    harmful_auprc: r4(auprc(pos, neg)),
    harmful_recall_at_1pct_fpr: r4(recallAtFpr(pos, neg, 0.01)),
    harmful_recall_at_flag: r4(rateAtOrAbove(pos, thresholds.harmful?.flag ?? 1)),
    flag_action_recall: r4(share((it) => it.row.harmful)),
    flag_action_fpr: r4(share((it) => !it.row.harmful)),
    hard_negative_false_flag_rate: r4(
      share((it) => !it.row.harmful && HARD_NEGATIVE_SOURCES.has(it.row.source)),
    ),
  };
  const a = labels.indexOf("attack");
  if (a >= 0) {
    const isAttack = (it: LabelledInput) => "attack" in it.row && it.row.attack !== null;
    out["attack_recall_at_1pct_fpr"] = r4(
      recallAtFpr(
        col(a, isAttack),
        col(a, (it) => !it.row.harmful),
        0.01,
      ),
    );
    out["attack_auroc"] = r4(
      auroc(
        col(a, isAttack),
        col(a, (it) => !isAttack(it)),
      ),
    );
  }
  if (stage === "completion") {
    const human = val.flatMap((it, i) => (it.row.weak ? [] : [flagged[i] === it.row.harmful ? 1 : 0]));
    out["human_labelled_accuracy_at_flag"] = r4(human.reduce((s, x) => s + x, 0) / Math.max(1, human.length));
  }
  return out;
}
