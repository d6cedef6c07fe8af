import type { HarmCategory } from "../../../types.ts";

/** One batch's hand-written pieces for a clause: verb-phrase cores (wrapped by openers) and standalone prompts. */
export interface ClauseHalf {
  /** Verb phrases that complete "How do I ...": lower-case start, no final punctuation; may use {slot}s. */
  readonly cores: readonly string[];
  /** Standalone prompts used as written (short queries, long backstories). */
  readonly full: readonly string[];
}

/** A constitution clause with its two disjoint batches of content. */
export interface ClauseSpec {
  readonly clause: string;
  readonly harmful: boolean;
  readonly categories: readonly HarmCategory[];
  readonly a: ClauseHalf;
  readonly b: ClauseHalf;
}
