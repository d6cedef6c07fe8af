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
import { createGuardCore, type GuardCore } from "./guard-core.ts";
import type { GuardInput, GuardSink, StreamGuardOptions } from "./guard-types.ts";
import { createSseDecoder, SseLimitError, type SseDecoderOptions } from "../sse/decoder.ts";
import type { SseEvent } from "../sse/event.ts";

// The types live in guard-types.ts so that guard-core.ts can use them without an import cycle.
export type { GuardInput, GuardSink, StreamGuardOptions, StreamSummary } from "./guard-types.ts";

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
