/**
 * The stream guard's core, shared by its three shapes (guard.ts): events in, client SSE text out to a `GuardSink`.
 * Its control is one state machine (guard-state.ts); its verdict is the completion stage's (guard-verdict.ts).
 */
import type { SseEvent } from "../sse/event.ts";
import {
  endState,
  INITIAL_STATE,
  isEnded,
  isOpen,
  transition,
  type EndEvent,
  type GuardEvent,
  type GuardState,
} from "./guard-state.ts";
import type { GuardInput, GuardSink, StreamGuardOptions } from "./guard-types.ts";
import { createGuardVerdict } from "./guard-verdict.ts";

function isBatch(input: GuardInput): input is readonly SseEvent[] {
  return Array.isArray(input);
}

interface Held {
  readonly ev: SseEvent;
  /** Its position in the stream (events counted from 0). */
  readonly at: number;
  /** Characters of screened text it carries (the text itself is in the scorers and the excerpt). */
  readonly chars: number;
}

export interface GuardCore {
  /**
   * Handles one event or a batch. Returns a promise only while work is in flight (a screening point, or earlier
   * input still being screened); the common case - events that are just held or passed - runs synchronously.
   */
  push(input: GuardInput): Promise<void> | undefined;
  /** The upstream ended: settle what is held, or report an incomplete stream. */
  end(): Promise<void>;
  /** The upstream stream is unusable (e.g. a line over the parser's limit). */
  broken(message: string): Promise<void>;
}

/** Runs tasks one after another, so events are handled in order; a task that finishes synchronously costs no microtask. */
interface Serial {
  run(task: () => Promise<void> | undefined): Promise<void> | undefined;
  /** The work in flight, if any. */
  readonly pending: Promise<void> | undefined;
}

function createSerial(): Serial {
  let tail: Promise<void> | undefined;
  return {
    run(task) {
      const p = tail ? tail.then(task) : task();
      if (!p) return undefined;
      tail = p;
      const clear = (): void => {
        if (tail === p) tail = undefined;
      };
      p.then(clear, clear);
      return p;
    },
    get pending() {
      return tail;
    },
  };
}

/** A timer the guard arms on entering `holding` and clears on leaving it, so it runs exactly while text waits on it. */
function createHoldTimer(ms: number, onExpire: () => void): { arm(): void; disarm(): void } {
  let handle: NodeJS.Timeout | undefined;
  return {
    arm() {
      handle = setTimeout(onExpire, ms);
    },
    disarm() {
      clearTimeout(handle);
      handle = undefined;
    },
  };
}

// The guard's moves (guard-state.ts), shared so the per-event ones allocate nothing.
const HOLD: GuardEvent = { type: "hold" };
const SCREEN: GuardEvent = { type: "screen" };
const EXPIRE: GuardEvent = { type: "expire" };
const SETTLE: GuardEvent = { type: "settle" };
const BLOCK: EndEvent = { type: "block" };
const FINISH: EndEvent = { type: "finish" };

/** The guard for one stream, writing to `out`. */
export function createGuardCore(opts: StreamGuardOptions, out: GuardSink): GuardCore {
  const { renderer, stream, metrics } = opts;
  const every = Math.min(stream.scoreEveryChars, stream.holdBackChars);
  const holdBack = stream.mode === "hold-back";
  const excerptChars = opts.excerptChars ?? 16_384;
  const verdict = createGuardVerdict({ scorers: opts.scorers, stage: opts.stage, metrics, holdBack });
  /** The work in flight, if any: later input waits for it, so events are handled in order. */
  const serial = createSerial();
  const holdTimer = createHoldTimer(stream.maxHoldMs, () => {
    go(EXPIRE);
    serial.run(checkpoint)?.catch((e: unknown) => out.error(e));
  });
  let state: GuardState = INITIAL_STATE;
  let held: Held[] = [];
  /** Where the oldest incomplete unit begins (`StreamRenderer.openUnitFrom`), -1 when none. */
  let unitFrom = -1;
  let unscored = "";
  let excerpt = "";
  let released = 0;
  let events = 0;

  /** Moves to `next`, running the hold timer exactly while `holding`. A refused move is a bug in the guard: it throws. */
  function enter<S extends GuardState>(next: S | undefined, event: GuardEvent): S {
    if (!next) throw new Error(`stream guard: no "${event.type}" transition from "${state.kind}"`);
    if (state.kind === "holding" && next.kind !== "holding") holdTimer.disarm();
    else if (state.kind !== "holding" && next.kind === "holding") holdTimer.arm();
    state = next;
    return next;
  }

  function go(event: GuardEvent): void {
    enter(transition(state, event), event);
  }

  /**
   * The one way into `ended`, so a stream ends once: writes its end (the refusal after a block, the error after a
   * broken upstream; after a clean terminal event the client already has it), then reports it.
   */
  function end(event: EndEvent): void {
    const ended = enter(endState(state, event), event);
    switch (ended.reason) {
      case "blocked":
        held = [];
        metrics.streamHalts.inc({ dialect: opts.dialect });
        opts.onBlock();
        out.enqueue(renderer.renderBlockedEnd());
        break;
      case "broken":
        out.enqueue(renderer.renderErrorEnd(ended.upstreamError));
        break;
      case "complete":
        break;
    }
    metrics.streamEvents.inc(events);
    opts.onEnd({
      action: verdict.action,
      fired: verdict.fired,
      scores: verdict.scores,
      ...(verdict.failMode ? { failMode: verdict.failMode } : {}),
      excerpt,
      released,
      cut: ended.reason === "blocked",
      ...(ended.reason === "broken" ? { upstreamError: ended.upstreamError } : {}),
    });
    if (ended.reason !== "complete") out.terminate();
  }

  /**
   * Releases the held events before the oldest incomplete unit as one chunk: one write to the client per screening
   * point, not one per event.
   */
  function release(): void {
    let n = 0;
    let text = "";
    for (const h of held) {
      if (unitFrom >= 0 && h.at >= unitFrom) break;
      text += renderer.render(h.ev);
      released += h.chars;
      n++;
    }
    if (n === 0) return;
    held = n === held.length ? [] : held.slice(n);
    out.enqueue(text);
  }

  /** Hands the text not scored yet to the verdict; no work when there is none. */
  function scoreUnscored(): Promise<void> | undefined {
    if (unscored.length === 0) return undefined;
    const delta = unscored;
    unscored = "";
    return verdict.score(delta);
  }

  /** Scores what is unscored, then releases held events unless the verdict is block. */
  async function checkpoint(): Promise<void> {
    if (isEnded(state)) return;
    await scoreUnscored();
    if (isEnded(state)) return;
    if (verdict.action === "block") end(BLOCK);
    else release();
  }

  /**
   * Handles one event. Returns a promise only when the event needs a screening point (or ends the stream), so
   * the common case - an event that is just held or passed - costs no microtask.
   */
  function onEvent(ev: SseEvent): Promise<void> | undefined {
    if (!isOpen(state)) return undefined;
    const at = events++;
    let text: string;
    try {
      text = renderer.textOf(ev);
    } catch {
      return brokenUpstream("upstream sent a malformed stream event");
    }
    if (excerpt.length < excerptChars) excerpt += text.slice(0, excerptChars - excerpt.length);
    const before = unitFrom;
    unitFrom = renderer.openUnitFrom?.() ?? -1;
    if (renderer.isTerminal(ev)) return onTerminal(ev, at, text);
    if (held.length === 0 && unitFrom < 0) {
      if (!holdBack) return passThenCheck(ev, text);
      if (text.length === 0) {
        out.enqueue(renderer.render(ev));
        return undefined;
      }
    }
    held.push({ ev, at, chars: text.length });
    unscored += text;
    // A unit completed (the oldest one moved on): screen what is left of it and release it now.
    const completed = before >= 0 && unitFrom !== before;
    if (!completed && unscored.length < every) {
      if (holdBack) go(HOLD);
      return undefined;
    }
    go(SCREEN);
    return checkpoint();
  }

  /** The terminal event: the stream is complete, and so is every unit in it. Screens the rest, then ends. */
  function onTerminal(ev: SseEvent, at: number, text: string): Promise<void> {
    go(SETTLE);
    unitFrom = -1;
    held.push({ ev, at, chars: text.length });
    unscored += text;
    return checkpoint().then(() => {
      if (state.kind === "settling") end(FINISH);
    });
  }

  /** `release-then-check` outside a unit: the event goes out first, its text is scored with the next check. */
  function passThenCheck(ev: SseEvent, text: string): Promise<void> | undefined {
    out.enqueue(renderer.render(ev));
    released += text.length;
    unscored += text;
    return unscored.length >= every ? checkpoint() : undefined;
  }

  /** Screens what is held one last time (and releases it if clean), then ends the stream with `message`. */
  async function brokenUpstream(message: string): Promise<void> {
    // Settling has no hold timer: nothing may release held text while this last checkpoint screens it.
    go({ type: "settle", upstreamError: message });
    await checkpoint();
    if (state.kind === "settling") end(FINISH);
  }

  /** A batch (all events of one network chunk) costs one stream hand-off instead of one per event. */
  function onBatch(evs: readonly SseEvent[], from: number): Promise<void> | undefined {
    for (let i = from; i < evs.length; i++) {
      if (!isOpen(state)) return undefined;
      const ev = evs[i] as SseEvent;
      const pending = onEvent(ev);
      if (pending) return pending.then(() => onBatch(evs, i + 1));
    }
    return undefined;
  }

  /** The upstream is done without (or before) its terminal event: after the work in flight, end with `message`. */
  async function settleBroken(message: string): Promise<void> {
    while (serial.pending) await serial.pending;
    // Queued, so a second end or break arriving meanwhile waits for this one instead of racing its screening.
    if (isOpen(state)) await serial.run(() => brokenUpstream(message));
  }

  return {
    push: (input) => serial.run(() => (isBatch(input) ? onBatch(input, 0) : onEvent(input))),
    end: () => settleBroken("upstream stream ended before it was complete"),
    broken: settleBroken,
  };
}
