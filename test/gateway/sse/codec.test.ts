import { describe, expect, it } from "vitest";
import { createSseDecoder, SseEventTooLargeError, type SseLimitError } from "../../../gateway/sse/decoder.ts";
import type { SseEvent } from "../../../gateway/sse/event.ts";
import { formatSse } from "../../../gateway/sse/format.ts";

const enc = new TextEncoder();

function splitEvery(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const n = sizes[k++ % sizes.length] ?? 1;
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

function decodeAll(chunks: Uint8Array[]): SseEvent[] {
  const d = createSseDecoder();
  return [...chunks.flatMap((c) => d.push(c)), ...d.end()];
}

describe("SSE parser", () => {
  const body =
    ": comment line\r\n" +
    "event: content_block_delta\r\n" +
    'data: {"text":"héllo — 🙂"}\r\n' +
    "\r\n" +
    "data: line one\n" +
    "data: line two\n" +
    "id: 7\n" +
    "\n" +
    "event: ping\r" +
    "data: {}\r" +
    "\r" +
    "data:no-space\n\n";

  const expected: SseEvent[] = [
    { event: "content_block_delta", data: '{"text":"héllo — 🙂"}' },
    { data: "line one\nline two", id: "7" },
    { event: "ping", data: "{}", id: "7" },
    { data: "no-space", id: "7" },
  ];

  it("parses CRLF, CR, LF, comments, multi-line data and ids in one chunk", () => {
    expect(decodeAll([enc.encode(body)])).toEqual(expected);
  });

  it.each([[[1]], [[2, 3]], [[5, 1, 7]], [[13]], [[64]]])(
    "gives the same events when split into pieces of %j bytes (mid-UTF-8, mid-line, mid-CRLF)",
    (sizes) => {
      expect(decodeAll(splitEvery(enc.encode(body), sizes))).toEqual(expected);
    },
  );

  it("drops an unterminated final event, as EventSource does", () => {
    expect(decodeAll([enc.encode("data: complete\n\ndata: partial")])).toEqual([{ data: "complete" }]);
  });

  it("round-trips through formatSse and refuses CR/LF in event names", () => {
    const ev = { event: "message_delta", data: "a\nb" };
    expect(decodeAll([enc.encode(formatSse(ev))])).toEqual([ev]);
    expect(() => formatSse({ event: "x\r\nevent: evil", data: "1" })).toThrow(/CR\/LF/);
  });

  describe("event limit (maxEventBytes)", () => {
    const line = `data: ${"x".repeat(99)}\n`;

    it.each([[[7, 13]], [[1]], [[1 << 20]]])(
      "refuses an event that never ends (split into %j bytes) and reports the limit once",
      (sizes) => {
        const seen: SseLimitError[] = [];
        const d = createSseDecoder({ maxEventBytes: 1000, onLimit: (e) => seen.push(e) });
        const chunks = splitEvery(enc.encode(`data: first\n\n${line.repeat(20)}`), sizes);
        const events: SseEvent[] = [];
        expect(() => chunks.forEach((c) => events.push(...d.push(c)))).toThrow(SseEventTooLargeError);
        expect(seen.map((e) => [e.limit, e.message])).toEqual([
          ["event", "upstream stream event exceeded 1000 bytes"],
        ]);
      },
    );

    it("counts an unfinished line, so one endless line is refused at the limit", () => {
      const d = createSseDecoder({ maxEventBytes: 1024 });
      expect(() => d.push(enc.encode(`data: ${"y".repeat(1000)}`))).not.toThrow();
      expect(() => d.push(enc.encode("y".repeat(100)))).toThrow(/exceeded 1 KiB/);
    });

    it("counts UTF-8 bytes, not characters", () => {
      const d = createSseDecoder({ maxEventBytes: 1000 });
      expect(() => d.push(enc.encode(`data: ${"é".repeat(400)}\ndata: ${"é".repeat(200)}\n`))).toThrow(
        SseEventTooLargeError,
      );
    });

    it("starts again at every event: a long stream of small events passes", () => {
      const d = createSseDecoder({ maxEventBytes: 1000 });
      const events = d.push(enc.encode(`${line}${line}${line}\n`.repeat(500)));
      expect(events).toHaveLength(500);
    });
  });
});
