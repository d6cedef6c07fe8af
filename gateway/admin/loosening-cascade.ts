/**
 * Loosening through a stage's cascade. Tiers run in order and the next tier runs only while a thresholded score is
 * uncertain; a later tier's scores join by max (`combine: max`, the default), so a classifier can only raise an
 * action - as long as it still runs whenever it used to. A change keeps that when every classifier of the old
 * cascade is still there, in the same or an earlier tier, and each escalation decision in front of it sees exactly
 * the classifiers one of its old escalation decisions saw (appending tiers, adding to the last tier, moving a
 * classifier earlier, merging tiers). Anything else - a classifier dropped or moved later, one added to a tier that
 * is not the last (its score can lift a key out of the uncertain band, or it can fail on a fail-open stage, and the
 * escalation ends sooner) - can lower an action. With `combine: replace` a later tier can lower scores itself, so
 * switching to or from it, and any change to what escalates while it is on, loosens. Pure.
 */
import type { StagePolicy } from "../../config/schema.ts";

type Cascade = readonly (readonly string[])[];

const tierOf = (cascade: Cascade, c: string): number => cascade.findIndex((t) => t.includes(c));

/** `seen[k]`: the classifiers that ran before the escalation decision in front of tier k (k >= 1), as one key. */
function escalationInputs(cascade: Cascade): string[] {
  const seen: string[] = [""];
  const acc = new Set<string>();
  for (const tier of cascade) {
    for (const c of tier) acc.add(c);
    seen.push([...acc].sort().join("\n"));
  }
  return seen;
}

/** True when `c` (in tier `from` before, `to` after) runs after the change whenever it ran before. */
function stillRuns(o: { before: string[]; after: string[]; from: number; to: number }): boolean {
  const old = new Set(o.before.slice(1, o.from + 1));
  return o.after.slice(1, o.to + 1).every((inputs) => old.has(inputs));
}

function orderReasons(stage: string, b: Cascade, a: Cascade): string[] {
  const out: string[] = [];
  const old = [...new Set(b.flat())];
  const dropped = old.filter((c) => tierOf(a, c) < 0);
  if (dropped.length > 0) out.push(`${stage} cascade drops ${dropped.join(", ")}`);
  const later = old.filter((c) => tierOf(a, c) > tierOf(b, c));
  if (later.length > 0) out.push(`${stage} cascade moves ${later.join(", ")} to a later tier`);
  const before = escalationInputs(b);
  const after = escalationInputs(a);
  const skipped = old.filter(
    (c) =>
      !dropped.includes(c) &&
      !later.includes(c) &&
      !stillRuns({ before, after, from: tierOf(b, c), to: tierOf(a, c) }),
  );
  if (skipped.length > 0) {
    out.push(
      `${stage} cascade can skip ${skipped.join(", ")} where it ran before (an earlier tier changed, so an ` +
        `escalation can end sooner)`,
    );
  }
  return out;
}

const thresholdKeys = (p: StagePolicy): string => Object.keys(p.thresholds).sort().join(",");

const combineOf = (p: StagePolicy) => p.combine ?? "max";

function combineReasons(stage: string, b: StagePolicy, a: StagePolicy): string[] {
  if (a.cascade.length < 2 && b.cascade.length < 2) return [];
  // Either way round: `replace` can lower scores itself, and leaving it can end an escalation sooner (scores a later
  // tier used to lower back into the uncertain band now stay above it), skipping a tier that would have raised one.
  if (combineOf(a) !== combineOf(b)) {
    return [
      `${stage} tiers combine ${combineOf(b)} -> ${combineOf(a)} (can change which tiers run and lower scores)`,
    ];
  }
  if (combineOf(a) !== "replace") return [];
  const escalationChanged =
    JSON.stringify(a.cascade) !== JSON.stringify(b.cascade) ||
    a.uncertain.low !== b.uncertain.low ||
    a.uncertain.high !== b.uncertain.high ||
    a.deadlineMs !== b.deadlineMs ||
    thresholdKeys(a) !== thresholdKeys(b);
  return escalationChanged
    ? [`${stage} escalation changed while tiers combine by replace (a later tier can lower scores)`]
    : [];
}

/** Reasons a change of one stage's cascade or tier combination can lower an action; empty when it cannot. */
export function cascadeLooseningReasons(stage: string, before: StagePolicy, after: StagePolicy): string[] {
  return [...orderReasons(stage, before.cascade, after.cascade), ...combineReasons(stage, before, after)];
}
