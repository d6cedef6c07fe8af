/**
 * The classifier contract (DESIGN section 4). Classifiers only score; the policy turns scores into actions.
 * Nothing in `classifiers/` imports from `gateway/` or `workers/`.
 */

/** Harm taxonomy from `../shared/data/DATA.md`. */
export const HARM_CATEGORIES = [
  "cbrn",
  "cyber",
  "violence",
  "self_harm",
  "child_safety",
  "sexual",
  "hate_harassment",
  "crime",
  "misinformation",
  "other_harm",
] as const;
export type HarmCategory = (typeof HARM_CATEGORIES)[number];

/** Every key a classifier may score: the categories plus `harmful` (any misuse) and `attack` (jailbreak/injection). */
export const SCORE_KEYS = ["harmful", "attack", ...HARM_CATEGORIES] as const;
export type ScoreKey = (typeof SCORE_KEYS)[number];

/** Probabilities in [0, 1] per key. A classifier omits keys it does not score. */
export type Scores = Partial<Record<ScoreKey, number>>;

export const STAGES = ["prompt", "completion", "conversation"] as const;
export type Stage = (typeof STAGES)[number];

export type Role = "system" | "user" | "assistant" | "tool";

/** One turn of the internal `Conversation`: role plus flattened text (tool calls/results included as text). */
export interface Turn {
  readonly role: Role;
  readonly text: string;
}

/**
 * What a classifier sees.
 * - `prompt`: `text` is the newest user turn, `context` the system prompt.
 * - `completion`: `text` is the assistant text, `context` the prompt it answers.
 * - `conversation`: `turns` holds every turn; `text` is the turns rendered one per line as `role: text`.
 */
export interface ClassifierInput {
  readonly stage: Stage;
  readonly text: string;
  readonly context?: string;
  readonly turns?: readonly Turn[];
}

/** A value-typed outcome for expected failures on the hot path (CONVENTIONS 8). */
export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

export type ClassifierErrorCode = "timeout" | "saturated" | "aborted" | "failed";

export interface ClassifierError {
  readonly code: ClassifierErrorCode;
  readonly message: string;
  readonly retryable: boolean;
  readonly cause?: unknown;
}

export type ClassifierKind = "rules" | "signatures" | "onnx" | "transformer" | "judge";

/**
 * Incremental scorer for a streaming completion: `update` receives only the new text, keeps running state,
 * and costs the same per call however long the completion already is.
 */
export interface StreamScorer {
  update(delta: string, signal: AbortSignal): Promise<Result<Scores, ClassifierError>>;
}

export interface Classifier {
  readonly name: string;
  readonly kind: ClassifierKind;
  classify(input: ClassifierInput, signal: AbortSignal): Promise<Result<Scores, ClassifierError>>;
  /** Present when the classifier can score a growing completion incrementally. `context` is the prompt. */
  createStreamScorer?(context: string): StreamScorer;
  close?(): Promise<void>;
}

/** Renders conversation turns the way the `conversation` stage and its model see them. */
export function renderTurns(turns: readonly Turn[]): string {
  return turns.map((t) => `${t.role}: ${t.text}`).join("\n");
}
