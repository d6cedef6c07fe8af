/**
 * The stream guard's life as one state machine (DESIGN section 5). It replaces three flags (`stopped`, `ended`,
 * `complete`) and a timer handle whose combinations could say "stopped but still holding" or "complete yet taking
 * events": here a guard is in exactly one state, and a move the table below does not list is refused.
 *
 * ```text
 *   streaming --hold--> holding --screen | expire--> streaming
 *   streaming | holding --settle--> settling --finish--> ended(complete | broken)
 *   streaming | holding | settling --block--> ended(blocked)
 * ```
 *
 * Pure: the guard (guard.ts) performs the effects - it arms the hold timer on entering `holding`, clears it on
 * leaving, and writes the stream's end and calls `onEnd` on entering `ended`.
 */

export type GuardState =
  /** Taking events; no held text waits on the hold timer. */
  | { readonly kind: "streaming" }
  /** Taking events; held text waits for the next screening point, `maxHoldMs` at the latest (hold-back mode). */
  | { readonly kind: "holding" }
  /**
   * The upstream is done - its terminal event arrived, or it broke (`upstreamError`) - and the last screening
   * point is in flight. No more events are taken: what an upstream sends after its terminal event is not part of
   * the stream.
   */
  | { readonly kind: "settling"; readonly upstreamError?: string }
  | EndedState;

/**
 * Over: the client stream has its end and `onEnd` has been called; nothing leaves this state. `reason`: the
 * terminal event screened clean, a verdict of block, or an upstream that broke before its terminal event.
 */
export type EndedState =
  | { readonly kind: "ended"; readonly reason: "complete" }
  | { readonly kind: "ended"; readonly reason: "blocked" }
  | { readonly kind: "ended"; readonly reason: "broken"; readonly upstreamError: string };

/** What ends a stream: a verdict of block, or the last screening point passing. */
export type EndEvent = { readonly type: "block" } | { readonly type: "finish" };

export type GuardEvent =
  /** An event was held back and no screening point is due: the hold timer must run. */
  | { readonly type: "hold" }
  /** An event brought a screening point (enough text, or a unit completed): no timer is needed for what it holds. */
  | { readonly type: "screen" }
  /** The hold timer fired: its screening point is queued. */
  | { readonly type: "expire" }
  /** The upstream is done: its terminal event (no `upstreamError`), or it broke. */
  | { readonly type: "settle"; readonly upstreamError?: string }
  | EndEvent;

// Shared, so the per-event moves allocate nothing.
const STREAMING: GuardState = { kind: "streaming" };
const HOLDING: GuardState = { kind: "holding" };
const SETTLING: GuardState = { kind: "settling" };
const BLOCKED: EndedState = { kind: "ended", reason: "blocked" };
const COMPLETE: EndedState = { kind: "ended", reason: "complete" };

/** The guard's first state. */
export const INITIAL_STATE: GuardState = STREAMING;

/** True while the guard takes events (`streaming` or `holding`). */
export function isOpen(state: GuardState): boolean {
  return state.kind === "streaming" || state.kind === "holding";
}

/** True once the stream is over. (A plain boolean, not a type guard: the guard's state changes across awaits.) */
export function isEnded(state: GuardState): boolean {
  return state.kind === "ended";
}

/** The state an end event leads to, or undefined where it is refused (nothing ends twice, nothing finishes early). */
export function endState(state: GuardState, event: EndEvent): EndedState | undefined {
  switch (event.type) {
    case "block":
      return state.kind === "ended" ? undefined : BLOCKED;
    case "finish":
      if (state.kind !== "settling") return undefined;
      return state.upstreamError === undefined
        ? COMPLETE
        : { kind: "ended", reason: "broken", upstreamError: state.upstreamError };
  }
}

/** The state `event` leads to from `state`, or undefined where the table has no such move. */
export function transition(state: GuardState, event: GuardEvent): GuardState | undefined {
  switch (event.type) {
    case "block":
    case "finish":
      return endState(state, event);
    case "hold":
      return isOpen(state) ? HOLDING : undefined;
    case "screen":
      return isOpen(state) ? STREAMING : undefined;
    case "expire":
      return state.kind === "holding" ? STREAMING : undefined;
    case "settle":
      if (!isOpen(state)) return undefined;
      return event.upstreamError === undefined
        ? SETTLING
        : { kind: "settling", upstreamError: event.upstreamError };
  }
}
