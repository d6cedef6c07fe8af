/** The stream guard's public types (re-exported by guard.ts, which callers import). */
import type { Scores, StreamScorer } from "../../classifiers/types.ts";
import type { Action } from "../../contracts/incident.ts";
import type { StagePolicy, StreamPolicy } from "../../config/schema.ts";
import type { StreamRenderer } from "../dialects/types.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Fired } from "../screening/decide.ts";
import type { SseEvent } from "../sse/event.ts";

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

/** Where the guard writes: the client side (a Node response, or a TransformStream's controller). */
export interface GuardSink {
  enqueue(text: string): void;
  terminate(): void;
  error(e: unknown): void;
}
