/**
 * What the stream renderer reads from one OpenAI stream chunk, once per SSE event: the text to screen, the stream's
 * id / created / model (which a refusal frame of the gateway's own reuses), and per choice what a refusal must
 * finish and where its tool calls began. A hand-written read instead of a zod parse: zod's per-chunk parse was the
 * largest single item of the dialect in the stream profile.
 */
import { textOf } from "./collect-text.ts";

/** The stream's metadata as the renderer tracks it: the latest id / created / model seen in a chunk. */
export interface ChunkMeta {
  id: string;
  created: number;
  model: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Copies a parsed chunk's id / created / model into `meta` where the chunk has them with the right types. */
export function updateChunkMeta(meta: ChunkMeta, value: unknown): void {
  if (!isObj(value)) return;
  if (typeof value.id === "string" && value.id.length > 0) meta.id = value.id;
  if (typeof value.created === "number" && Number.isFinite(value.created) && value.created !== 0)
    meta.created = value.created;
  if (typeof value.model === "string" && value.model.length > 0) meta.model = value.model;
}

/**
 * Every piece of text in a parsed chunk, concatenated as the deltas of one growing text: content, refusal, tool
 * call names and arguments, legacy `function_call`, `reasoning_content` / `reasoning`, audio transcripts, and any
 * field a server adds (see `collect-text.ts`) - whatever the chunk's shape, so an odd chunk is never passed
 * through unscreened.
 */
export function chunkText(value: unknown): string {
  return textOf(value, "");
}

/** One choice as the stream has shown it so far; positions count the stream's events from 0, -1 for never. */
interface ChoiceState {
  readonly index: number;
  /** The first event that carried the choice's `role`. */
  roleAt: number;
  /** The first event that carried its `finish_reason`. */
  finishAt: number;
  /** Where its open tool-call unit began: the turn's tool calls, from the first delta to the choice's end. */
  toolsFrom: number;
}

/**
 * Per-choice state of an OpenAI stream: where each choice's tool calls began (the unit the guard holds back) and
 * what a refusal must still finish.
 */
export interface ChoiceTracker {
  /** Reads one parsed chunk, the stream's event number `at`. */
  read(chunk: unknown, at: number): void;
  /** `[DONE]`: every unit is complete. */
  done(): void;
  /** See `StreamRenderer.openUnitFrom`. */
  unitFrom(): number;
  /**
   * The choices of a blocked end, given how many events were rendered (released) so far: every choice seen whose
   * `finish_reason` the client has not received gets `content_filter` (all of them when every one had), with
   * `role` where the client never got it (a client library cannot finish a choice without one); index 0 when the
   * stream showed none.
   */
  blockedChoices(rendered: number): Obj[];
}

/** OpenAI allows `n` up to 128; chunks naming more choices share one state, so a hostile stream stays small. */
const MAX_CHOICES = 128;

/** A delta that continues (or starts) the choice's tool calls: `tool_calls` entries or a legacy `function_call`. */
function isToolDelta(delta: Obj): boolean {
  const calls = delta.tool_calls;
  return (Array.isArray(calls) && calls.length > 0) || isObj(delta.function_call);
}

/** Whether a delta carries anything besides its role (content, a refusal, reasoning, a field a server adds). */
function carries(delta: Obj): boolean {
  for (const key in delta) {
    if (key === "role") continue;
    const v = delta[key];
    if (v !== null && v !== undefined && v !== "") return true;
  }
  return false;
}

/**
 * Tracks an OpenAI stream's choices. A choice's tool calls (all of them: a refused turn must carry none an agent
 * would run) form one unit from the first tool-call delta until the choice's next chunk that is not one - its
 * `finish_reason`, or content - or `[DONE]`.
 */
export function createChoiceTracker(): ChoiceTracker {
  const states = new Map<number, ChoiceState>();
  const overflow: ChoiceState = { index: -1, roleAt: -1, finishAt: -1, toolsFrom: -1 };
  let from = -1;

  const stateOf = (index: number): ChoiceState => {
    let st = states.get(index);
    if (st === undefined) {
      if (states.size >= MAX_CHOICES) return overflow;
      st = { index, roleAt: -1, finishAt: -1, toolsFrom: -1 };
      states.set(index, st);
    }
    return st;
  };
  const oldest = (): number => {
    let min = overflow.toolsFrom;
    for (const st of states.values())
      if (st.toolsFrom >= 0 && (min < 0 || st.toolsFrom < min)) min = st.toolsFrom;
    return min;
  };
  /** Reads one choice of a chunk; true when its unit opened or closed. */
  const readChoice = (c: Obj, at: number): boolean => {
    const st = stateOf(typeof c.index === "number" && Number.isInteger(c.index) ? c.index : 0);
    const delta = isObj(c.delta) ? c.delta : undefined;
    if (st.roleAt < 0 && typeof delta?.role === "string") st.roleAt = at;
    const finished = c.finish_reason !== null && c.finish_reason !== undefined;
    if (finished && st.finishAt < 0) st.finishAt = at;
    if (delta !== undefined && isToolDelta(delta)) {
      if (st.toolsFrom >= 0) return false;
      // A unit that opens while another is incomplete joins it: their events may interleave.
      st.toolsFrom = from >= 0 ? from : at;
      return true;
    }
    if (st.toolsFrom < 0 || !(finished || (delta !== undefined && carries(delta)))) return false;
    st.toolsFrom = -1;
    return true;
  };

  return {
    read(chunk, at) {
      if (!isObj(chunk) || !Array.isArray(chunk.choices)) return;
      let changed = false;
      for (const c of chunk.choices as unknown[]) if (isObj(c) && readChoice(c, at)) changed = true;
      if (changed) from = oldest();
    },
    done() {
      for (const st of states.values()) st.toolsFrom = -1;
      overflow.toolsFrom = -1;
      from = -1;
    },
    unitFrom: () => from,
    blockedChoices(rendered) {
      const released = (at: number): boolean => at >= 0 && at < rendered;
      const seen = [...states.values()].sort((a, b) => a.index - b.index);
      const open = seen.filter((st) => !released(st.finishAt));
      // Only when every choice had already finished does the refusal restate them all: it must say it refused.
      const ends = open.length > 0 ? open : seen.length > 0 ? seen : [stateOf(0)];
      return ends.map((st) => ({
        index: st.index,
        delta: released(st.roleAt) ? {} : { role: "assistant" },
        logprobs: null,
        finish_reason: "content_filter",
      }));
    },
  };
}
