/** Shapes of the hand-written components of the `multiturn` generator (conversations). */
import type { HarmCategory } from "../../../types.ts";

/**
 * A thread that starts on a benign topic and escalates. `open`/`mid` are innocuous alone, `harm` are the latest-turn
 * asks that pursue restricted content in the light of the thread, `safe` are benign endings to the same thread.
 */
export interface Ladder {
  readonly topic: string;
  readonly cats: readonly HarmCategory[];
  readonly open: readonly string[];
  readonly openReply: readonly string[];
  readonly mid: readonly string[];
  readonly midReply: readonly string[];
  readonly harm: readonly string[];
  readonly harmReply: readonly string[];
  readonly safe: readonly string[];
}

/**
 * A restricted request on its own, with safe-adjacent follow-ups (`safe`: what a user may ask after the refusal) and
 * other targets for "now do that for X" (`alt`).
 */
export interface Ask {
  readonly text: string;
  readonly cats: readonly HarmCategory[];
  readonly safe: readonly string[];
  readonly alt: readonly string[];
}

/** An ordinary or sensitive-but-fine chat domain: opening asks, replies, follow-ups and final asks. */
export interface Domain {
  readonly topic: string;
  readonly open: readonly string[];
  readonly reply: readonly string[];
  readonly follow: readonly string[];
  readonly reply2: readonly string[];
  readonly end: readonly string[];
}

/** A harmful payload for role-play and many-shot exploitation. */
export interface Payload {
  readonly text: string;
  readonly cats: readonly HarmCategory[];
}
