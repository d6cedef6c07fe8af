/**
 * Decides whether a policy change loosens a live policy (and so needs a second admin): a stage turned off, a
 * classifier tier dropped, fail-closed turned fail-open, any threshold raised or removed, a wider uncertain band
 * skipped, or streaming moved from hold-back to release-then-check. Pure, so it is tested without Redis.
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
    if (a.uncertain.low > b.uncertain.low || a.uncertain.high < b.uncertain.high) {
      out.push(`${s} uncertain band narrowed (fewer escalations)`);
    }
    out.push(...thresholdChanges(s, b, a));
  }
  if (before.stream.mode === "hold-back" && after.stream.mode === "release-then-check") {
    out.push("stream mode hold-back -> release-then-check");
  }
  if (after.stream.holdBackChars > before.stream.holdBackChars) out.push("stream holdBackChars raised");
  return out;
}
