/**
 * Decides whether a policy change loosens a live policy (and so needs a second admin): any change that can lower
 * the action taken on some input. A stage turned off, fail-closed turned fail-open, any block/flag/shadow threshold
 * raised or removed (an action weakened, e.g. block -> flag, removes its block threshold), a thresholded key
 * removed (it no longer escalates), the uncertain band narrowed, a fail-open stage's deadline shortened, a cascade
 * change after which a classifier may not run where it ran before, tiers combined by `replace` (or changed while
 * they are), or the stream screened less (hold-back to release-then-check, more held text, a longer scoring
 * interval). Pure, so it is tested without Redis.
 */
import { STAGES, type ScoreKey } from "../../classifiers/types.ts";
import type { StagePolicy } from "../../config/schema.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";
import { cascadeLooseningReasons } from "./loosening-cascade.ts";

const ACTIONS = ["block", "flag", "shadow"] as const;

function thresholdChanges(stage: string, before: StagePolicy, after: StagePolicy): string[] {
  const out: string[] = [];
  for (const key of Object.keys(before.thresholds) as ScoreKey[]) {
    const b = before.thresholds[key] ?? {};
    const a = after.thresholds[key] ?? {};
    // Every thresholded key's uncertain score escalates, label-only ones too: removing one ends escalations.
    if (after.thresholds[key] === undefined && ACTIONS.every((x) => b[x] === undefined)) {
      out.push(`${stage}.thresholds.${key} removed (its uncertain scores no longer escalate)`);
    }
    for (const action of ACTIONS) {
      const bv = b[action];
      const av = a[action];
      if (bv === undefined) continue;
      if (av === undefined) out.push(`${stage}.thresholds.${key}.${action} removed (was ${bv})`);
      else if (av > bv) out.push(`${stage}.thresholds.${key}.${action} raised ${bv} -> ${av}`);
    }
  }
  return out;
}

/** Human-readable reasons the change loosens the policy; empty when it does not. */
export function looseningReasons(before: ResolvedPolicy, after: ResolvedPolicy): string[] {
  const out: string[] = [];
  for (const s of STAGES) {
    const b = before.stages[s];
    const a = after.stages[s];
    if (b.enabled && !a.enabled) out.push(`${s} stage disabled`);
    if (b.failMode === "closed" && a.failMode === "open") out.push(`${s} fail mode closed -> open`);
    out.push(...cascadeLooseningReasons(s, b, a));
    if (a.uncertain.low > b.uncertain.low || a.uncertain.high < b.uncertain.high) {
      out.push(`${s} uncertain band narrowed (fewer escalations)`);
    }
    // A shorter deadline on a fail-open stage lets more requests through unscreened.
    if (a.enabled && a.failMode === "open" && a.deadlineMs < b.deadlineMs) {
      out.push(`${s} deadline shortened ${b.deadlineMs} -> ${a.deadlineMs} ms while fail-open`);
    }
    out.push(...thresholdChanges(s, b, a));
  }
  if (before.stream.mode === "hold-back" && after.stream.mode === "release-then-check") {
    out.push("stream mode hold-back -> release-then-check");
  }
  if (after.stream.holdBackChars > before.stream.holdBackChars) out.push("stream holdBackChars raised");
  // The guard scores every min(scoreEveryChars, holdBackChars) characters: a longer interval screens less often.
  const every = (p: ResolvedPolicy) => Math.min(p.stream.scoreEveryChars, p.stream.holdBackChars);
  if (every(after) > every(before))
    out.push(`stream scoring interval raised ${every(before)} -> ${every(after)}`);
  return out;
}
