/** Shapes of the hand-written content of the `hate-sexual-selfharm` generator. */
import type { HarmCategory } from "../../../types.ts";

/** One constitution clause's components, split into two disjoint halves (batch a and batch b). */
export interface ClauseContent {
  /** Clause id, e.g. `hate_harassment.R3`. */
  readonly clause: string;
  /** Harm categories; `[]` for a permitted clause. */
  readonly cats: readonly HarmCategory[];
  /** How many rows to generate per batch before de-duplication. */
  readonly n: number;
  /** Imperative tasks (lower-case start, no final punctuation) that go inside the shared frames; may hold `{slots}`. */
  readonly tasksA: readonly string[];
  readonly tasksB: readonly string[];
  /** Standalone hand-written prompts (any form), used as they are; may hold `{slots}`. */
  readonly fullA: readonly string[];
  readonly fullB: readonly string[];
}
