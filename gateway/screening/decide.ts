/** Turns scores into an action with the stage's thresholds. Pure functions; classifiers never decide. */
import type { Scores, ScoreKey } from "../../classifiers/types.ts";
import type { Action } from "../../contracts/incident.ts";
import type { StagePolicy } from "../../config/schema.ts";

export const SEVERITY: Readonly<Record<Action, number>> = { allow: 0, shadow: 1, flag: 2, block: 3 };

/** The more severe of two actions. */
export function worst(a: Action, b: Action): Action {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

export interface Fired {
  readonly key: ScoreKey;
  readonly score: number;
  readonly action: Action;
}

export interface Decision {
  readonly action: Action;
  readonly fired: Fired[];
}

/**
 * Applies per-key thresholds: score >= block -> block, >= flag -> flag, >= shadow -> shadow. Keys at or above
 * their `label` threshold are listed with action `allow` (categories of an incident, not triggers) - but only when
 * some key triggered an action.
 */
export function decide(scores: Scores, thresholds: StagePolicy["thresholds"]): Decision {
  let action: Action = "allow";
  const fired: Fired[] = [];
  const labels: Fired[] = [];
  for (const key in thresholds) {
    const t = thresholds[key as ScoreKey];
    const score = scores[key as ScoreKey];
    if (t === undefined || score === undefined) continue;
    let a: Action = "allow";
    if (t.block !== undefined && score >= t.block) a = "block";
    else if (t.flag !== undefined && score >= t.flag) a = "flag";
    else if (t.shadow !== undefined && score >= t.shadow) a = "shadow";
    if (a !== "allow") {
      fired.push({ key: key as ScoreKey, score, action: a });
      action = worst(action, a);
    } else if (t.label !== undefined && score >= t.label) {
      labels.push({ key: key as ScoreKey, score, action: "allow" });
    }
  }
  return { action, fired: action === "allow" ? fired : [...fired, ...labels] };
}

/** True when a thresholded score sits in the uncertain band and the next tier should look. */
export function isUncertain(scores: Scores, policy: StagePolicy): boolean {
  for (const key in policy.thresholds) {
    const s = scores[key as ScoreKey];
    if (s !== undefined && s >= policy.uncertain.low && s < policy.uncertain.high) return true;
  }
  return false;
}

/** Merges scores keeping the maximum per key. */
export function maxScores(into: Scores, from: Scores): void {
  for (const key in from) {
    const v = from[key as ScoreKey];
    if (v !== undefined && v > (into[key as ScoreKey] ?? -1)) into[key as ScoreKey] = v;
  }
}
