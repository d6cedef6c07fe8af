/** Pre-forward screening: the prompt and conversation stages run in parallel; the worse action wins. */
import { renderTurns, type Stage } from "../../classifiers/types.ts";
import type { Action, StageRecord } from "../../contracts/incident.ts";
import type { Conversation } from "../dialects/types.ts";
import type { Deps } from "../env.ts";
import { isUncertain, worst } from "../screening/decide.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";

export interface RequestScreening {
  readonly action: Action;
  readonly stages: StageRecord[];
  /** A thresholded score landed in a stage's uncertain band (deep-scan candidates). */
  readonly uncertain: boolean;
}

/** Counts decisions per stage and category (fixed label sets only). */
export function countDecisions(deps: Deps, stages: readonly StageRecord[]): void {
  for (const s of stages) {
    // A label (action allow) counts under the action its stage took, so flags and blocks break down by category.
    for (const f of s.fired) {
      deps.metrics.decisions.inc({
        stage: s.stage,
        decision: f.action === "allow" ? s.action : f.action,
        category: f.key,
      });
    }
  }
}

export async function screenRequest(
  deps: Deps,
  policy: ResolvedPolicy,
  conversation: Conversation,
  signal: AbortSignal,
): Promise<RequestScreening> {
  const runs: Promise<StageRecord>[] = [];
  const run = (stage: Stage, input: Parameters<Deps["screener"]["runStage"]>[2]): void => {
    const sp = policy.stages[stage];
    if (sp.enabled && sp.cascade.length > 0) runs.push(deps.screener.runStage(stage, sp, input, signal));
  };
  run("prompt", { stage: "prompt", text: conversation.prompt, context: conversation.system });
  // A single-turn exchange is fully covered by the prompt stage; the conversation stage looks across turns.
  if (conversation.turns.filter((t) => t.role !== "system").length > 1) {
    run("conversation", {
      stage: "conversation",
      text: renderTurns(conversation.turns),
      turns: conversation.turns,
    });
  }
  const stages = await Promise.all(runs);
  countDecisions(deps, stages);
  return {
    action: stages.reduce<Action>((a, s) => worst(a, s.action), "allow"),
    stages,
    uncertain: stages.some((s) => isUncertain(s.scores, policy.stages[s.stage])),
  };
}
