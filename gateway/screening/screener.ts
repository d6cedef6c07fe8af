/**
 * Runs one stage: cascade tiers (classifiers in a tier run in parallel, combined by max; the next tier runs only
 * when a thresholded score is uncertain, and its scores join the earlier ones by max, so adding a tier can never
 * lower an action - unless the stage says `combine: replace`), under the stage deadline, with the stage's fail mode
 * deciding when a classifier fails or the deadline passes.
 */
import { expandInput } from "../../classifiers/normalize.ts";
import type { Classifier, ClassifierInput, Scores, Stage } from "../../classifiers/types.ts";
import type { Action, StageRecord } from "../../contracts/incident.ts";
import type { StagePolicy } from "../../config/schema.ts";
import type { Metrics } from "../observability/metrics.ts";
import { deadlineSignal } from "./deadline.ts";
import { decide, isUncertain, maxScores } from "./decide.ts";
import { createOutcomeCache } from "./outcome-cache.ts";

export type StageOutcome = StageRecord;

export interface Screener {
  runStage(
    stage: Stage,
    policy: StagePolicy,
    input: ClassifierInput,
    signal: AbortSignal,
  ): Promise<StageOutcome>;
  /**
   * `runStage` for text that repeats across requests (system prompts, tool definitions; an input without
   * `context`): a clean allow is reused for a second (`outcome-cache.ts`).
   */
  runRepeatedStage(
    stage: Stage,
    policy: StagePolicy,
    input: ClassifierInput,
    signal: AbortSignal,
  ): Promise<StageOutcome>;
  /** The classifiers of the stage's first tier, for the stream guard. */
  firstTier(policy: StagePolicy): Classifier[];
}

export interface ScreenerOptions {
  classifiers: ReadonlyMap<string, Classifier>;
  metrics: Metrics;
}

type Run = StageRecord["classifiers"][number];

/**
 * One stage's cancellation: aborted by the parent (the client leaving) or the stage deadline, plus one promise the
 * classifier runs race. Plain listeners, removed when the stage ends, instead of `AbortSignal.any` (whose weak
 * references and finalization registry showed in profiles) and a listener per classifier run.
 */
interface StageAbort {
  readonly signal: AbortSignal;
  readonly aborted: Promise<"aborted">;
  dispose(): void;
}

function stageAbort(parent: AbortSignal, deadline: AbortSignal): StageAbort {
  const ac = new AbortController();
  let fire: (v: "aborted") => void = () => undefined;
  const aborted = new Promise<"aborted">((resolve) => (fire = resolve));
  const onAbort = (): void => {
    ac.abort(deadline.aborted ? deadline.reason : parent.reason);
    fire("aborted");
  };
  if (parent.aborted || deadline.aborted) onAbort();
  else {
    parent.addEventListener("abort", onAbort, { once: true });
    deadline.addEventListener("abort", onAbort, { once: true });
  }
  return {
    signal: ac.signal,
    aborted,
    dispose() {
      parent.removeEventListener("abort", onAbort);
      deadline.removeEventListener("abort", onAbort);
    },
  };
}

/** Creates the stage runner. */
export function createScreener({ classifiers, metrics }: ScreenerOptions): Screener {
  async function runOne(
    c: Classifier,
    stage: Stage,
    input: ClassifierInput,
    abort: StageAbort,
  ): Promise<Run> {
    const t0 = performance.now();
    // Race the deadline so a classifier that ignores its signal still cannot hold the stage.
    const r = await Promise.race([c.classify(input, abort.signal), abort.aborted]);
    const ms = performance.now() - t0;
    metrics.classifierSeconds.observe({ classifier: c.name, stage }, ms / 1000);
    if (r === "aborted") {
      metrics.classifierErrors.inc({ classifier: c.name, stage, code: "timeout" });
      return { name: c.name, scores: {}, ms, error: "timeout" };
    }
    if (!r.ok) {
      metrics.classifierErrors.inc({ classifier: c.name, stage, code: r.error.code });
      return { name: c.name, scores: {}, ms, error: r.error.code };
    }
    return { name: c.name, scores: r.value, ms };
  }

  function resolveTier(tier: readonly string[]): Classifier[] {
    return tier.map((n) => {
      const c = classifiers.get(n);
      if (!c) throw new Error(`classifier "${n}" is not registered`);
      return c;
    });
  }

  async function runStage(
    stage: Stage,
    policy: StagePolicy,
    input: ClassifierInput,
    parent: AbortSignal,
  ): Promise<StageOutcome> {
    const t0 = performance.now();
    // Encoded spans (base64, hex, URL, rot13) are decoded in place before any classifier or rule reads them.
    const prepared = expandInput(input);
    const abort = stageAbort(parent, deadlineSignal(policy.deadlineMs));
    const runs: Run[] = [];
    let scores: Scores = {};
    let failed = false;
    try {
      for (const [i, tier] of policy.cascade.entries()) {
        if (i > 0 && !isUncertain(scores, policy)) break;
        const tierRuns = await Promise.all(resolveTier(tier).map((c) => runOne(c, stage, prepared, abort)));
        runs.push(...tierRuns);
        const tierScores: Scores = {};
        for (const r of tierRuns) {
          if (r.error !== undefined) failed = true;
          else maxScores(tierScores, r.scores);
        }
        if (policy.combine === "replace" && i > 0) scores = { ...scores, ...tierScores };
        else maxScores(scores, tierScores);
        if (failed) break;
      }
    } finally {
      abort.dispose();
    }
    metrics.stageSeconds.observe({ stage }, (performance.now() - t0) / 1000);
    const decision = decide(scores, policy.thresholds);
    if (!failed || parent.aborted) return { stage, ...decision, scores, classifiers: runs };
    metrics.failMode.inc({ stage, mode: policy.failMode });
    // Fail-open keeps what the classifiers that did answer decided; the recorded failMode makes it an incident.
    const action: Action = policy.failMode === "closed" ? "block" : decision.action;
    return { stage, action, fired: decision.fired, scores, classifiers: runs, failMode: policy.failMode };
  }

  const repeated = createOutcomeCache();
  return {
    runStage,
    runRepeatedStage: (stage, policy, input, signal) =>
      repeated.run(stage, policy, input, () => runStage(stage, policy, input, signal)),
    firstTier: (policy) => (policy.cascade[0] ? resolveTier(policy.cascade[0]) : []),
  };
}
