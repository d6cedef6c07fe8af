/**
 * The completion stage's running verdict on one stream, for the stream guard: each update scores only the text not
 * scored before (the scorers keep their own running state), scores are kept as running maxima and the action only
 * ever gets worse, so a stream once blocked stays blocked.
 */
import type { Scores, StreamScorer } from "../../classifiers/types.ts";
import type { Action } from "../../contracts/incident.ts";
import type { StagePolicy } from "../../config/schema.ts";
import type { Metrics } from "../observability/metrics.ts";
import { deadlineSignal } from "../screening/deadline.ts";
import { decide, maxScores, worst, type Fired } from "../screening/decide.ts";

export interface GuardVerdictOptions {
  readonly scorers: readonly StreamScorer[];
  readonly stage: StagePolicy;
  readonly metrics: Metrics;
  /** Hold-back mode: the text scored was held back from the client (the held-back metric counts it). */
  readonly holdBack: boolean;
}

export interface GuardVerdict {
  /** Scores `delta` (text no update has seen) with every scorer, within the stage's deadline, and updates the verdict. */
  score(delta: string): Promise<void>;
  readonly action: Action;
  /** The keys that fired on the latest scores. */
  readonly fired: Fired[];
  /** The running maximum of every score. */
  readonly scores: Scores;
  /** Set once a scorer failed: the stage's fail mode (`closed` makes the action block). */
  readonly failMode: "open" | "closed" | undefined;
}

export function createGuardVerdict(o: GuardVerdictOptions): GuardVerdict {
  const { stage, metrics } = o;
  let action: Action = "allow";
  let fired: Fired[] = [];
  const running: Scores = {};
  let failMode: "open" | "closed" | undefined;
  return {
    async score(delta) {
      metrics.heldBackChars.observe(o.holdBack ? delta.length : 0);
      const t0 = performance.now();
      const signal = deadlineSignal(stage.deadlineMs);
      const results = await Promise.all(o.scorers.map((s) => s.update(delta, signal)));
      metrics.streamScreenSeconds.observe((performance.now() - t0) / 1000);
      let failed = false;
      for (const r of results) {
        if (r.ok) maxScores(running, r.value);
        else failed = true;
      }
      const d = decide(running, stage.thresholds);
      fired = d.fired;
      action = worst(action, d.action);
      if (failed) {
        failMode = stage.failMode;
        metrics.failMode.inc({ stage: "completion", mode: stage.failMode });
        if (stage.failMode === "closed") action = "block";
      }
    },
    get action() {
      return action;
    },
    get fired() {
      return fired;
    },
    scores: running,
    get failMode() {
      return failMode;
    },
  };
}
