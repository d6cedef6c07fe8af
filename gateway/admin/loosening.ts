/**
 * Decides whether a policy change loosens a live policy (and so needs a second admin): a stage turned off, a
 * classifier tier dropped, fail-closed turned fail-open, any threshold raised or removed, the uncertain band
 * narrowed, a fail-open stage's deadline shortened, or the stream screened less (hold-back to release-then-check,
 * a longer scoring interval). Pure, so it is tested without Redis.
 */
import { STAGES, type ScoreKey } from "../../classifiers/types.ts";
import type { StagePolicy } from "../config/schema.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";

const ACTIONS = ["block", "flag", "shadow"] as const;

function thresholdChanges(stage: string, before: StagePolicy, after: StagePolicy): string[] {
  const out: string[] = [];
  for (const key of Object.keys(before.thresholds) as ScoreKey[]) {
    const b = before.thresholds[key] ?? {};
    const a = after.thresholds[key] ?? {};
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
    const dropped = b.cascade.flat().filter((c) => !a.cascade.flat().includes(c));
    if (dropped.length > 0) out.push(`${s} cascade drops ${dropped.join(", ")}`);
    const tier = (cascade: string[][], c: string) => cascade.findIndex((t) => t.includes(c));
    const later = b.cascade.flat().filter((c) => tier(a.cascade, c) > tier(b.cascade, c));
    if (later.length > 0) out.push(`${s} cascade moves ${later.join(", ")} to a later tier`);
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
