/**
 * Classifying rows of the shared data schema into the output line of `npm run classify` (also the body of
 * the gateway's `POST /v1/classify` response).
 */
import { actionFor } from "./eval/evaluate.ts";
import type { OnnxClassifier } from "./onnx-classifier.ts";
import { rowToClassifierInput } from "./stage-input.ts";
import { HARM_CATEGORIES, err, ok } from "./types.ts";
import type { ClassifierError, HarmCategory, Result, Scores, Stage } from "./types.ts";

export { actionFor } from "./eval/evaluate.ts";
export { rowToClassifierInput } from "./stage-input.ts";

/** One output line. */
export interface ClassifiedRow {
  readonly id: string | null;
  readonly stage: Stage;
  readonly harmful: number;
  readonly attack: number | null;
  readonly categories: Partial<Record<HarmCategory, number>>;
  readonly action: "allow" | "flag" | "block";
}

/** Shapes scores + calibrated thresholds into an output line. */
export function toClassifiedRow(
  id: string | null,
  stage: Stage,
  scores: Scores,
  thresholds: OnnxClassifier["thresholds"],
): ClassifiedRow {
  const categories: Partial<Record<HarmCategory, number>> = {};
  for (const c of HARM_CATEGORIES) if (scores[c] !== undefined) categories[c] = scores[c];
  return {
    id,
    stage,
    harmful: scores.harmful ?? 0,
    attack: scores.attack ?? null,
    categories,
    action: actionFor(scores, thresholds),
  };
}

/** Classifies one row; a row without the fields of `stage` gives a `failed` error value. */
export async function classifyRow(
  clf: OnnxClassifier,
  stage: Stage,
  row: Record<string, unknown>,
  signal: AbortSignal,
): Promise<Result<ClassifiedRow, ClassifierError>> {
  const input = rowToClassifierInput(stage, row);
  const id = typeof row["id"] === "string" ? row["id"] : null;
  if (!input)
    return err({
      code: "failed",
      message: `row ${id ?? "?"} has no fields for stage ${stage}`,
      retryable: false,
    });
  const res = await clf.classify(input, signal);
  return res.ok ? ok(toClassifiedRow(id, stage, res.value, clf.thresholds)) : res;
}
