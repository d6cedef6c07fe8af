/** Joins the outcomes of one stage run on several inputs of one request into the stage's single record. */
import type { StageRecord } from "../../contracts/incident.ts";
import type { StagePolicy } from "../../config/schema.ts";
import { decide, maxScores, worst } from "./decide.ts";

/**
 * One record for a stage screened on several inputs (e.g. the user prompt, and the request-level text in its own
 * right): scores are the maximum per key, the action the worst of the inputs' actions (a fail-closed block stays a
 * block), and the classifier runs of every input are kept.
 */
export function mergeOutcomes(policy: StagePolicy, first: StageRecord, ...rest: StageRecord[]): StageRecord {
  if (rest.length === 0) return first;
  const all = [first, ...rest];
  const scores = { ...first.scores };
  for (const o of rest) maxScores(scores, o.scores);
  const decision = decide(scores, policy.thresholds);
  const action = all.reduce((a, o) => worst(a, o.action), decision.action);
  const failMode = all.find((o) => o.failMode !== undefined)?.failMode;
  return {
    stage: first.stage,
    action,
    fired: decision.fired,
    scores,
    classifiers: all.flatMap((o) => o.classifiers),
    ...(failMode !== undefined ? { failMode } : {}),
  };
}
