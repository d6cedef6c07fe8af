/** Stream scorers for the completion guard: a classifier's own incremental scorer, or a sliding-window fallback. */
import {
  ok,
  type Classifier,
  type ClassifierError,
  type Result,
  type Scores,
  type StreamScorer,
} from "../../classifiers/types.ts";
import { maxScores } from "../screening/decide.ts";

/**
 * Scores each update on (the last `carryChars` of earlier text + the delta) and keeps the running maximum, so a
 * classifier without incremental support still costs the same per update however long the completion grows.
 */
export function createWindowScorer(classifier: Classifier, context: string, carryChars = 512): StreamScorer {
  let tail = "";
  const running: Scores = {};
  return {
    async update(delta, signal): Promise<Result<Scores, ClassifierError>> {
      const text = tail + delta;
      tail = text.length > carryChars ? text.slice(text.length - carryChars) : text;
      const r = await classifier.classify({ stage: "completion", text, context }, signal);
      if (!r.ok) return r;
      maxScores(running, r.value);
      return ok({ ...running });
    },
  };
}

/** The scorer the guard uses for one classifier. */
export function streamScorerFor(classifier: Classifier, context: string): StreamScorer {
  return classifier.createStreamScorer?.(context) ?? createWindowScorer(classifier, context);
}
