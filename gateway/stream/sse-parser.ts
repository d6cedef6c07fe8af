/**
 * Incremental Server-Sent Events parser (WHATWG EventSource rules): CR, LF and CRLF line ends (also split across
 * chunks), comments, multi-line `data:`, and multi-byte UTF-8 split across network chunks. Only the unfinished
 * last line is carried between chunks, so work per chunk is proportional to the chunk.
 */

export interface SseEvent {
  /** The `event:` field; absent for unnamed (`message`) events. */
  readonly event?: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
  readonly id?: string;
}

/** Thrown when the upstream sends a line longer than the limit (a broken or hostile stream). */
export class SseLineTooLongError extends Error {
  override readonly name = "SseLineTooLongError";
}

export interface SseDecoderOptions {
  /** Longest accepted line. @defaultValue 4194304 (4 MiB) */
  maxLineLength?: number;
}

export interface SseDecoder {
  /** Feeds bytes; returns the events completed by them. */
  push(chunk: Uint8Array): SseEvent[];
  /** Flushes the decoder at end of input; an unterminated event is dropped, as EventSource does. */
  end(): SseEvent[];
}

/** Creates a push-style decoder (used by the TransformStream and directly by tests). */
export function createSseDecoder({ maxLineLength = 4 * 1024 * 1024 }: SseDecoderOptions = {}): SseDecoder {
  const decoder = new TextDecoder("utf-8");
  let carry = "";
  let skipLeadingLf = false;
  let data: string[] = [];
  let eventName: string | undefined;
  let id: string | undefined;

  function line(text: string, out: SseEvent[]): void {
    if (text.length === 0) {
      if (data.length > 0) {
        const ev: { event?: string; data: string; id?: string } = { data: data.join("\n") };
        if (eventName !== undefined) ev.event = eventName;
        if (id !== undefined) ev.id = id;
        out.push(ev);
      }
      data = [];
      eventName = undefined;
      return;
    }
    if (text.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") eventName = value;
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
      line(carry.length > 0 ? carry + text.slice(start, i) : text.slice(start, i), out);
      carry = "";
      if (text.charCodeAt(i) === 13) {
        if (i + 1 === text.length) skipLeadingLf = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    if (start < text.length) {
      carry += text.slice(start);
      if (carry.length > maxLineLength) {
        carry = "";
        throw new SseLineTooLongError(`SSE line over ${maxLineLength} characters`);
      }
    }
    return out;
  }

  return {
    push: (chunk) => feed(decoder.decode(chunk, { stream: true })),
    end: () => {
      const out = feed(decoder.decode());
      carry = "";
      return out;
    },
  };
}

const CRLF = /[\r\n]/;

/** Serialises one event. Rejects CR/LF in `event`/`id` (header injection into the stream). */
export function formatSse(ev: SseEvent): string {
  let out = "";
  if (ev.event !== undefined) {
    if (CRLF.test(ev.event)) throw new Error("SSE event name contains CR/LF");
    out += `event: ${ev.event}\n`;
  }
  if (ev.id !== undefined) {
    if (CRLF.test(ev.id)) throw new Error("SSE id contains CR/LF");
    out += `id: ${ev.id}\n`;
  }
  if (ev.data.includes("\n")) {
    for (const l of ev.data.split("\n")) out += `data: ${l}\n`;
  } else {
    out += `data: ${ev.data}\n`;
  }
  return `${out}\n`;
}
