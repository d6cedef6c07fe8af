/**
 * The streaming completion guard (DESIGN section 5): a TransformStream from parsed upstream SSE events to client
 * SSE text. Text is scored incrementally at least every `scoreEveryChars`; in `hold-back` mode nothing unscreened
 * is released, in `release-then-check` mode text goes out first. Units the dialect names (a turn's tool calls, a
 * thinking block; `StreamRenderer.openUnitFrom`) are held in both modes until they are complete and screened, so a
 * client receives them whole or not at all. After a block not one more character is released: the stream ends as a
 * refusal in the client's dialect and the caller aborts the upstream.
 *
 * What is held is bounded by the upstream's limits, not by the guard: a unit can be as large as one response
 * (`maxResponseBytes`, 32 MiB by default), and is scored as it arrives, so the work per update stays flat.
 */
import type { Scores, StreamScorer } from "../../classifiers/types.ts";
import type { Action } from "../../contracts/incident.ts";
import type { StagePolicy, StreamPolicy } from "../config/schema.ts";
import type { StreamRenderer } from "../dialects/types.ts";
import type { Metrics } from "../observability/metrics.ts";
import { deadlineSignal } from "../screening/deadline.ts";
import { decide, maxScores, worst, type Fired } from "../screening/decide.ts";
import { createSseDecoder, SseLimitError, type SseDecoderOptions, type SseEvent } from "./sse-parser.ts";

export interface StreamSummary {
  readonly action: Action;
  readonly fired: Fired[];
  readonly scores: Scores;
  readonly failMode?: "open" | "closed";
  /** The completion text seen, capped at `excerptChars`. */
  readonly excerpt: string;
  /** Characters of completion text released to the client. */
  readonly released: number;
  /** True when the guard cut the stream. */
  readonly cut: boolean;
  /** Set when the upstream stream broke (malformed event or ended without its terminal event). */
  readonly upstreamError?: string;
}

export interface StreamGuardOptions {
  renderer: StreamRenderer;
  /** Metric label for stream halts. */
  dialect: string;
  scorers: readonly StreamScorer[];
  stage: StagePolicy;
  stream: StreamPolicy;
  metrics: Metrics;
  /** Called once when the stream ends, however it ends (block, normal end, upstream error). */
  onEnd(summary: StreamSummary): void;
  /** Called at the moment of a block, before the refusal tail is written: abort the upstream here. */
  onBlock(): void;
  /** @defaultValue 16384 */
  excerptChars?: number;
}

/** The guard takes single events or batches of events (all the events one network chunk completed). */
export type GuardInput = SseEvent | readonly SseEvent[];

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

/** Where the guard writes: the client side (a Node response, or a TransformStream's controller). */
export interface GuardSink {
  enqueue(text: string): void;
  terminate(): void;
  error(e: unknown): void;
}

interface GuardCore {
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

function createGuardCore(opts: StreamGuardOptions, out: GuardSink): GuardCore {
  const { renderer, stage, stream, metrics } = opts;
  const every = Math.min(stream.scoreEveryChars, stream.holdBackChars);
  const holdBack = stream.mode === "hold-back";
  const excerptChars = opts.excerptChars ?? 16_384;
  let held: Held[] = [];
  /** Where the oldest incomplete unit begins (`StreamRenderer.openUnitFrom`), -1 when none. */
  let unitFrom = -1;
  let unscored = "";
  let excerpt = "";
  let released = 0;
  let events = 0;
  let action: Action = "allow";
  let fired: Fired[] = [];
  const running: Scores = {};
  let failMode: "open" | "closed" | undefined;
  let stopped = false;
  let ended = false;
  /** The terminal event arrived: whatever an upstream sends after it is not part of the stream. */
  let complete = false;
  let timer: NodeJS.Timeout | undefined;
  /** The work in flight, if any: later input waits for it, so events are handled in order. */
  let tail: Promise<void> | undefined;

  function schedule(task: () => Promise<void> | undefined): Promise<void> | undefined {
    const p = tail ? tail.then(task) : task();
    if (!p) return undefined;
    tail = p;
    const clear = (): void => {
      if (tail === p) tail = undefined;
    };
    p.then(clear, clear);
    return p;
  }

  function finish(extra: { cut: boolean; upstreamError?: string }): void {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    metrics.streamEvents.inc(events);
    opts.onEnd({
      action,
      fired,
      scores: running,
      ...(failMode ? { failMode } : {}),
      excerpt,
      released,
      ...extra,
    });
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

  async function score(): Promise<void> {
    if (unscored.length === 0) return;
    const delta = unscored;
    unscored = "";
    metrics.heldBackChars.observe(holdBack ? delta.length : 0);
    const t0 = performance.now();
    const signal = deadlineSignal(stage.deadlineMs);
    const results = await Promise.all(opts.scorers.map((s) => s.update(delta, signal)));
    metrics.streamScreenSeconds.observe((performance.now() - t0) / 1000);
    let failed = false;
    for (const r of results) {
      if (r.ok) maxScores(running, r.value);
      else failed = true;
    }
    const d = decide(running, stage.thresholds);
    fired = d.fired;
    action = worst(action, d.action);
    if (failed) {
      failMode = stage.failMode;
      metrics.failMode.inc({ stage: "completion", mode: stage.failMode });
      if (stage.failMode === "closed") action = "block";
    }
  }

  function block(): void {
    stopped = true;
    held = [];
    metrics.streamHalts.inc({ dialect: opts.dialect });
    opts.onBlock();
    out.enqueue(renderer.renderBlockedEnd());
    finish({ cut: true });
    out.terminate();
  }

  /** Scores what is unscored, then releases held events unless the verdict is block. */
  async function checkpoint(): Promise<void> {
    if (stopped) return;
    await score();
    if (stopped) return;
    if (action === "block") block();
    else release();
  }

  function armTimer(): void {
    if (timer || !holdBack || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      schedule(checkpoint)?.catch((e: unknown) => out.error(e));
    }, stream.maxHoldMs);
  }

  /**
   * Handles one event. Returns a promise only when the event needs a screening point (or ends the stream), so
   * the common case - an event that is just held or passed - costs no microtask.
   */
  function onEvent(ev: SseEvent): Promise<void> | undefined {
    if (stopped || complete) return undefined;
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
    if (renderer.isTerminal(ev)) {
      // The stream is complete, and so is every unit in it.
      complete = true;
      unitFrom = -1;
      held.push({ ev, at, chars: text.length });
      unscored += text;
      return checkpoint().then(() => {
        if (!stopped) finish({ cut: false });
      });
    }
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
      armTimer();
      return undefined;
    }
    if (timer) clearTimeout(timer);
    timer = undefined;
    return checkpoint();
  }

  /** `release-then-check` outside a unit: the event goes out first, its text is scored with the next check. */
  function passThenCheck(ev: SseEvent, text: string): Promise<void> | undefined {
    out.enqueue(renderer.render(ev));
    released += text.length;
    unscored += text;
    return unscored.length >= every ? checkpoint() : undefined;
  }

  async function brokenUpstream(message: string): Promise<void> {
    // No hold timer may release held text while this last checkpoint screens it.
    if (timer) clearTimeout(timer);
    timer = undefined;
    await checkpoint();
    if (stopped) return;
    stopped = true;
    out.enqueue(renderer.renderErrorEnd(message));
    finish({ cut: false, upstreamError: message });
    out.terminate();
  }

  /** A batch (all events of one network chunk) costs one stream hand-off instead of one per event. */
  function onBatch(evs: readonly SseEvent[], from: number): Promise<void> | undefined {
    for (let i = from; i < evs.length; i++) {
      if (stopped) return undefined;
      const ev = evs[i] as SseEvent;
      const pending = onEvent(ev);
      if (pending) return pending.then(() => onBatch(evs, i + 1));
    }
    return undefined;
  }

  return {
    push: (input) => schedule(() => (isBatch(input) ? onBatch(input, 0) : onEvent(input))),
    async end() {
      while (tail) await tail;
      if (!ended) await brokenUpstream("upstream stream ended before it was complete");
    },
    async broken(message) {
      while (tail) await tail;
      if (!ended) await brokenUpstream(message);
    },
  };
}

function sinkOf<T>(controller: TransformStreamDefaultController<T>, encode: (text: string) => T): GuardSink {
  return {
    enqueue: (text) => controller.enqueue(encode(text)),
    terminate: () => controller.terminate(),
    error: (e) => controller.error(e),
  };
}

/** The guard for one stream as a TransformStream of parsed events (single or batched) to client SSE text. */
export function createStreamGuard(opts: StreamGuardOptions): TransformStream<GuardInput, string> {
  let core: GuardCore | undefined;
  return new TransformStream<GuardInput, string>({
    start(controller) {
      core = createGuardCore(
        opts,
        sinkOf(controller, (t) => t),
      );
    },
    transform: (input) => core?.push(input),
    flush: () => core?.end(),
  });
}

/** Upstream bytes in, screened client SSE out, without a stream in between (see `createSseGuardStream`). */
export interface SseGuardPump {
  /** Feeds upstream bytes. Returns a promise while screening is in flight: pause the source until it settles. */
  write(chunk: Uint8Array): Promise<void> | undefined;
  /** The upstream ended (or broke): settles what is held and writes the stream's end. */
  end(): Promise<void>;
  /** The caller cut the upstream off (e.g. a limit): settles what is held, then ends with `message` as an error. */
  broken(message: string): Promise<void>;
}

/** Parse + guard as a push-style pump over any sink: the gateway's Node path writes straight to the response. */
export function createSseGuardPump(
  opts: StreamGuardOptions & SseDecoderOptions,
  sink: GuardSink,
): SseGuardPump {
  const decoder = createSseDecoder(opts);
  const core = createGuardCore(opts, sink);
  let broken = false;
  return {
    write(chunk) {
      if (broken) return undefined;
      let events: SseEvent[];
      try {
        events = decoder.push(chunk);
      } catch (e: unknown) {
        if (!(e instanceof SseLimitError)) throw e;
        broken = true;
        return core.broken(e.message);
      }
      return events.length > 0 ? core.push(events) : undefined;
    },
    async end() {
      const events = broken ? [] : decoder.end();
      if (events.length > 0) await core.push(events);
      await core.end();
    },
    async broken(message) {
      broken = true;
      await core.broken(message);
    },
  };
}

/**
 * Parse, guard and serialise in ONE TransformStream: upstream bytes in, client bytes out. Each Web Streams hop
 * costs several microseconds per chunk in Node 20, so this path does not pay for three (figures and the replay
 * command, `tsx bench/lib/stream-replay.ts`, in bench/README.md). The gateway uses it only without Node bindings
 * (`app.request()`); over HTTP it writes the pump's output straight to the Node response.
 */
export function createSseGuardStream(
  opts: StreamGuardOptions & SseDecoderOptions,
): TransformStream<Uint8Array, Uint8Array> {
  const encoder = new TextEncoder();
  let pump: SseGuardPump | undefined;
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      pump = createSseGuardPump(
        opts,
        sinkOf(controller, (t) => encoder.encode(t)),
      );
    },
    transform: (chunk) => pump?.write(chunk),
    flush: () => pump?.end(),
  });
}
