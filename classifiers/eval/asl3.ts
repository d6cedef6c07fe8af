/**
 * The action the gateway's `asl3` preset takes on a trained model's scores alone (no rules, no judge), for the
 * evaluation. It mirrors `modelThreshold` in `gateway/screening/presets.ts` (classifiers/ may not import the
 * gateway); `test/gateway/screening/asl3-mirror.test.ts` checks that the two agree.
 */
import type { ScoreKey, Scores, Stage } from "../types.ts";
import type { KeyThresholds } from "../window-scale.ts";

/** Keys the asl3 preset blocks at their (low) flag threshold. */
export const SEVERE_KEYS: readonly ScoreKey[] = ["cbrn", "child_safety"];

/** Thresholds per key, as in a manifest. */
export type Thresholds = Partial<Record<ScoreKey, KeyThresholds>>;

/** The asl3 action for one key's score. */
function keyAction(stage: Stage, key: ScoreKey, v: number, t: KeyThresholds): "allow" | "flag" | "block" {
  if (SEVERE_KEYS.includes(key)) return v >= t.flag ? "block" : "allow";
  if (key === "attack" || (key === "harmful" && stage === "completion"))
    return v >= t.block ? "block" : v >= t.flag ? "flag" : "allow";
  if (key === "harmful") return v >= t.flag ? "flag" : "allow";
  if (stage === "completion") return "allow";
  return v >= Math.max(t.block, 0.9) ? "block" : "allow";
}

/** The asl3 action for a stage's scores: the worst over keys. */
export function asl3Action(stage: Stage, scores: Scores, thresholds: Thresholds): "allow" | "flag" | "block" {
  let out: "allow" | "flag" | "block" = "allow";
  for (const [key, t] of Object.entries(thresholds) as [ScoreKey, KeyThresholds][]) {
    const a = keyAction(stage, key, scores[key] ?? 0, t);
    if (a === "block") return "block";
    if (a === "flag") out = "flag";
  }
  return out;
}
