/**
 * The stream guard between Node streams: the upstream body (a Readable) in, the client's response (a Writable) out,
 * with no Web Streams in between - each Web Streams hop cost several microseconds per chunk, and the gateway's SSE
 * path used three plus Hono's response reader.
 */
import type { Readable, Writable } from "node:stream";
import { createBodyMeter, type BodyBreach, type BodyLimits } from "../upstream/limits.ts";
import { createSseGuardPump, type GuardSink, type StreamGuardOptions } from "./guard.ts";
import type { SseDecoderOptions } from "../sse/decoder.ts";

/** What the pump connects, and whom it tells about trouble. */
export interface NodePumpOptions {
  /** The client side: a `ServerResponse` whose head has been written. */
  readonly outgoing: Writable;
  /** The upstream body. */
  readonly body: Readable;
  /** The guard, and the decoder's limits on lines and events. */
  readonly guard: StreamGuardOptions & SseDecoderOptions;
  /**
   * Caps on the upstream body's size and reading time (from now): past one the upstream is aborted and the stream
   * ends with an error in the dialect, after what is held has been screened. None when absent.
   */
  readonly limits?: BodyLimits;
  /** Told when the upstream body passed one of `limits`. */
  readonly onLimit?: (breach: BodyBreach) => void;
  /** Aborted when the client has gone: nothing more is written, not even the stream's end. */
  readonly clientGone: AbortSignal;
  /** Stops the upstream request: called when the guard ends the stream itself (a block, a broken stream). */
  readonly abortUpstream: () => void;
  readonly onFirstChunk: () => void;
  readonly onReadError: (e: unknown) => void;
  readonly onWriteError: (e: unknown) => void;
}

/**
 * Runs the guard between the upstream body (a Node Readable) and the Node response with no Web Streams in between:
 * the upstream is paused while a screening point is in flight or the response is over its buffer, and resumed when
 * both clear. Nothing is written once the client has gone.
 */
export function pumpSseToNode(o: NodePumpOptions): void {
  const { outgoing, body } = o;
  const writable = (): boolean => !o.clientGone.aborted && !outgoing.writableEnded && !outgoing.destroyed;
  let screening = false;
  let full = false;
  let done = false;
  const resume = (): void => {
    if (!screening && !full && !done) body.resume();
  };
  /** The response is over: stop reading the upstream (and paying for it), whatever ended it. */
  const stop = (): void => {
    done = true;
    o.abortUpstream();
    body.destroy();
  };
  const fail = (e: unknown): void => {
    o.onWriteError(e);
    stop();
    outgoing.destroy();
  };
  const end = (): void => {
    if (writable()) outgoing.end();
    stop();
  };
  const sink: GuardSink = {
    enqueue(text) {
      if (writable() && !outgoing.write(text)) full = true;
    },
    terminate: end,
    error: fail,
  };
  const pump = createSseGuardPump(o.guard, sink);
  /** A limit cut the upstream off: stop reading at once, then settle what is held and end with the error. */
  const cutOff = (breach: BodyBreach): void => {
    if (done) return;
    stop();
    o.onLimit?.(breach);
    if (!o.clientGone.aborted) pump.broken(breach.message).then(end, fail);
  };
  const meter = o.limits && createBodyMeter(o.limits, cutOff);
  let first: (() => void) | undefined = o.onFirstChunk;
  const finish = (): void => {
    if (done) return;
    done = true;
    if (o.clientGone.aborted) return;
    pump.end().then(end, fail);
  };
  outgoing.on("drain", () => {
    full = false;
    resume();
  });
  body.on("data", (chunk: Buffer) => {
    if (done || o.clientGone.aborted) return;
    if (meter && !meter.count(chunk.length)) return;
    let pending: Promise<void> | undefined;
    try {
      if (first) {
        first();
        first = undefined;
      }
      pending = pump.write(chunk);
    } catch (e: unknown) {
      fail(e);
      return;
    }
    if (full) body.pause();
    if (!pending) return;
    screening = true;
    body.pause();
    pending.then(() => {
      screening = false;
      resume();
    }, fail);
  });
  // However the body ends (its end, an error, our abort or the client's), its clock stops.
  body.once("close", () => meter?.stop());
  body.once("end", finish);
  body.once("error", (e: unknown) => {
    o.onReadError(e);
    finish();
  });
}
