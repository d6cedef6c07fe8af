/**
 * How each stage's input becomes the texts ("bags") a trained model featurizes, and how rows of the shared
 * data schema become `ClassifierInput`s (used by `npm run classify`, training and eval). Serving code: the
 * ONNX classifier imports it, so it must not import the training side (`data.ts`, `train/`, `eval/`).
 */
import { renderTurns } from "./types.ts";
import type { ClassifierInput, Role, Stage, Turn } from "./types.ts";

/** Number of bags each stage's model pools separately. */
export const STAGE_BAGS: Record<Stage, number> = { prompt: 1, completion: 2, conversation: 2 };

/**
 * The bag texts for a stage:
 * - prompt: `[text]` (the system prompt is operator-controlled and not scored by this model),
 * - completion: `[completion, prompt]`,
 * - conversation: `[final exchange (last user turn and what follows), earlier turns]`.
 */
export function inputToBagTexts(input: ClassifierInput): string[] {
  switch (input.stage) {
    case "prompt":
      return [input.text];
    case "completion":
      return [input.text, input.context ?? ""];
    case "conversation":
      return splitConversation(input.turns ?? [{ role: "user", text: input.text }]);
  }
}

/** Splits turns into `[final exchange, earlier turns]`, each rendered as `role: text` lines. */
export function splitConversation(turns: readonly Turn[]): string[] {
  let lastUser = -1;
  for (let i = turns.length - 1; i >= 0; i--) {
    if (turns[i]?.role === "user") {
      lastUser = i;
      break;
    }
  }
  const cut = lastUser >= 0 ? lastUser : Math.max(0, turns.length - 1);
  return [renderTurns(turns.slice(cut)), renderTurns(turns.slice(0, cut))];
}

function toRole(role: string): Role {
  return role === "system" || role === "assistant" || role === "tool" ? role : "user";
}

/**
 * Converts a row of the shared data schema (a `DataRow` of `data.ts`, or any parsed JSON object) into the input
 * of `stage`. Prompt rows need `text`, completion rows `prompt` + `completion`, conversation rows `messages`; a
 * prompt row given to the conversation stage becomes a one-turn conversation. Returns `null` when the row has no
 * fields for that stage. The row is typed structurally because the fields are checked here at run time anyway.
 */
export function rowToClassifierInput(
  stage: Stage,
  row: Readonly<Record<string, unknown>>,
): ClassifierInput | null {
  switch (stage) {
    case "prompt":
      return typeof row["text"] === "string" ? { stage, text: row["text"] } : null;
    case "completion":
      return typeof row["completion"] === "string"
        ? { stage, text: row["completion"], context: typeof row["prompt"] === "string" ? row["prompt"] : "" }
        : null;
    case "conversation": {
      let turns: Turn[] | null = null;
      if (Array.isArray(row["messages"])) {
        turns = (row["messages"] as { role?: unknown; content?: unknown }[]).map((m) => ({
          role: toRole(String(m.role)),
          text: typeof m.content === "string" ? m.content : "",
        }));
      } else if (typeof row["text"] === "string") turns = [{ role: "user", text: row["text"] }];
      return turns ? { stage, text: renderTurns(turns), turns } : null;
    }
  }
}
