/**
 * Incremental Server-Sent Events parser (WHATWG EventSource rules): CR, LF and CRLF line ends (also split across
 * chunks), comments, multi-line `data:`, and multi-byte UTF-8 split across network chunks. Only the unfinished
 * last line is carried between chunks, so work per chunk is proportional to the chunk. Lines and events are
 * capped, so a stream that never ends a line or an event cannot grow the decoder without bound.
 */
import { limitMessage } from "../upstream/limits.ts";
import type { SseEvent } from "./event.ts";

/** Thrown when the upstream passes one of the decoder's size limits (a broken or hostile stream). */
export abstract class SseLimitError extends Error {
  /** Which limit: a line's length or an event's size. */
  abstract readonly limit: "line" | "event";
}

/** Thrown when the upstream sends a line longer than `maxLineLength`. */
export class SseLineTooLongError extends SseLimitError {
  override readonly name = "SseLineTooLongError";
  readonly limit = "line";
}

/** Thrown when the upstream's event (its `data:` lines so far) passes `maxEventBytes`. */
export class SseEventTooLargeError extends SseLimitError {
  override readonly name = "SseEventTooLargeError";
  readonly limit = "event";
}

export interface SseDecoderOptions {
  /** Longest accepted line, in characters. @defaultValue 4194304 (4 MiB) */
  maxLineLength?: number | undefined;
  /**
   * Largest accepted event: UTF-8 bytes of its `data:` lines plus the unfinished line, so an event without its
   * blank line cannot grow without bound. @defaultValue 4194304 (4 MiB)
   */
  maxEventBytes?: number | undefined;
  /** Told of a limit just before its error is thrown (for a metric). */
  onLimit?: ((error: SseLimitError) => void) | undefined;
}

export interface SseDecoder {
  /** Feeds bytes; returns the events completed by them. */
  push(chunk: Uint8Array): SseEvent[];
  /** Flushes the decoder at end of input; an unterminated event is dropped, as EventSource does. */
  end(): SseEvent[];
}

/** Tracks the size of the event being decoded against `maxEventBytes`. */
interface EventMeter {
  /** A `data:` value joined the event. */
  data(value: string): void;
  /** Text was appended to the unfinished line. */
  carried(rest: string): void;
  /** The unfinished line was completed (its text is now a line). */
  lineDone(): void;
  /** The event was dispatched or dropped. */
  eventDone(): void;
  /** Whether the event's data values (plus a joining newline each) and the unfinished line pass the limit. */
  over(data: readonly string[], carry: string): boolean;
}

/**
 * Counts in UTF-16 units, and in UTF-8 bytes only once the units could pass the limit (a unit is one to three
 * bytes): ordinary small events cost no byte counting, and past that point every character is counted once.
 */
function createEventMeter(max: number): EventMeter {
  let units = 0;
  let bytes = -1;
  let carryBytes = -1;
  return {
    data(value) {
      units += value.length + 1;
      if (bytes >= 0) bytes += Buffer.byteLength(value) + 1;
    },
    carried(rest) {
      if (carryBytes >= 0) carryBytes += Buffer.byteLength(rest);
    },
    lineDone() {
      carryBytes = -1;
    },
    eventDone() {
      units = 0;
      bytes = -1;
    },
    over(data, carry) {
      const n = units + carry.length;
      if (n * 3 <= max) return false;
      if (n > max) return true;
      if (bytes < 0) bytes = data.reduce((sum, d) => sum + Buffer.byteLength(d) + 1, 0);
      if (carryBytes < 0) carryBytes = Buffer.byteLength(carry);
      return bytes + carryBytes > max;
    },
  };
}

/** Creates a push-style decoder (used by the TransformStream and directly by tests). */
export function createSseDecoder({
  maxLineLength = 4 * 1024 * 1024,
  maxEventBytes = 4 * 1024 * 1024,
  onLimit,
}: SseDecoderOptions = {}): SseDecoder {
  const decoder = new TextDecoder("utf-8");
  const meter = createEventMeter(maxEventBytes);
  let carry = "";
  let skipLeadingLf = false;
  let data: string[] = [];
  let eventName: string | undefined;
  let id: string | undefined;

  function fail(error: SseLimitError): never {
    carry = "";
    data = [];
    meter.lineDone();
    meter.eventDone();
    onLimit?.(error);
    throw error;
  }

  function checkEvent(): void {
    if (meter.over(data, carry)) fail(new SseEventTooLargeError(limitMessage("event", maxEventBytes)));
  }

  function line(text: string, out: SseEvent[]): void {
    if (text.length === 0) {
      if (data.length > 0) {
        const ev: { event?: string; data: string; id?: string } = { data: data.join("\n") };
        if (eventName !== undefined) ev.event = eventName;
        if (id !== undefined) ev.id = id;
        out.push(ev);
      }
      data = [];
      meter.eventDone();
      eventName = undefined;
      return;
    }
    if (text.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") {
      data.push(value);
      meter.data(value);
      checkEvent();
    } else if (field === "event") eventName = value;
    else if (field === "id" && !value.includes("\0")) id = value;
  }

  function feed(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    let start = 0;
    if (skipLeadingLf && text.charCodeAt(0) === 10) start = 1;
    skipLeadingLf = false;
    // Line ends are found with indexOf (native scans) rather than a loop over every character; the next LF and CR
    // positions are cached, so a chunk is scanned once however its lines end.
    let lf = text.indexOf("\n", start);
    let cr = text.indexOf("\r", start);
    for (;;) {
      if (lf !== -1 && lf < start) lf = text.indexOf("\n", start);
      if (cr !== -1 && cr < start) cr = text.indexOf("\r", start);
      let i = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (i === -1) break;
      const whole = carry.length > 0 ? carry + text.slice(start, i) : text.slice(start, i);
      carry = "";
      meter.lineDone();
      line(whole, out);
      if (text.charCodeAt(i) === 13) {
        if (i + 1 === text.length) skipLeadingLf = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    if (start < text.length) {
      const rest = text.slice(start);
      carry += rest;
      meter.carried(rest);
      checkEvent();
      if (carry.length > maxLineLength) {
        fail(
          new SseLineTooLongError(
            `upstream sent an oversized stream line (over ${maxLineLength} characters)`,
          ),
        );
      }
    }
    return out;
  }

  return {
    push: (chunk) => feed(decoder.decode(chunk, { stream: true })),
    end: () => {
      const out = feed(decoder.decode());
      carry = "";
      meter.lineDone();
      return out;
    },
  };
}
