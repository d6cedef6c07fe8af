/** Pre-forward screening: the prompt and conversation stages run in parallel; the worse action wins. */
import { renderTurns, type ClassifierInput, type Stage } from "../../classifiers/types.ts";
import type { Action, StageRecord } from "../../contracts/incident.ts";
import type { Conversation } from "../dialects/types.ts";
import type { StagePolicy } from "../../config/schema.ts";
import type { Deps } from "../env.ts";
import { isUncertain, worst } from "../screening/decide.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";
import { mergeOutcomes } from "../screening/merge-outcomes.ts";

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

/**
 * The prompt stage: the newest client input with the request-level text (system prompt, tool definitions) as its
 * context, and that request-level text in its own right, as a second input - a harmful question in a system or
 * developer message, a tool description or a field outside the messages is screened as a question, while the
 * user prompt's own score is not diluted by it. Request-level text repeats from request to request, so its clean
 * outcome is reused (`Screener.runRepeatedStage`).
 */
async function screenPrompt(
  deps: Deps,
  policy: StagePolicy,
  conversation: Conversation,
  signal: AbortSignal,
): Promise<StageRecord> {
  const prompt: ClassifierInput = {
    stage: "prompt",
    text: conversation.prompt,
    context: conversation.system,
  };
  const main = deps.screener.runStage("prompt", policy, prompt, signal);
  if (conversation.system.length === 0) return main;
  const side = deps.screener.runRepeatedStage(
    "prompt",
    policy,
    { stage: "prompt", text: conversation.system },
    signal,
  );
  const [a, b] = await Promise.all([main, side]);
  return mergeOutcomes(policy, a, b);
}

/** Screens a request before it is forwarded: the prompt stage, and the conversation stage for several turns. */
export async function screenRequest(
  deps: Deps,
  policy: ResolvedPolicy,
  conversation: Conversation,
  signal: AbortSignal,
): Promise<RequestScreening> {
  const runs: Promise<StageRecord>[] = [];
  const enabled = (stage: Stage): boolean =>
    policy.stages[stage].enabled && policy.stages[stage].cascade.length > 0;
  if (enabled("prompt")) runs.push(screenPrompt(deps, policy.stages.prompt, conversation, signal));
  // A single-turn exchange is fully covered by the prompt stage; the conversation stage looks across turns.
  if (enabled("conversation") && conversation.turns.filter((t) => t.role !== "system").length > 1) {
    const input = {
      stage: "conversation" as const,
      text: renderTurns(conversation.turns),
      turns: conversation.turns,
    };
    runs.push(deps.screener.runStage("conversation", policy.stages.conversation, input, signal));
  }
  const stages = await Promise.all(runs);
  countDecisions(deps, stages);
  return {
    action: stages.reduce<Action>((a, s) => worst(a, s.action), "allow"),
    stages,
    uncertain: stages.some((s) => isUncertain(s.scores, policy.stages[s.stage])),
  };
}
