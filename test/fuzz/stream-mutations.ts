/**
 * What the fuzzer does to an upstream event stream: truncate it, drop its terminal event, insert garbage lines,
 * retype or mutate an event's JSON, break it (not JSON, invalid UTF-8, a line over `maxEventBytes`), add events
 * after the end or an upstream error event, repeat it past `maxResponseBytes`; then frame it as SSE text (CR, LF
 * or CRLF, comments, ids, `data:` with or without a space) and cut it into pieces at random byte boundaries.
 */
import fc from "fast-check";
import { upstreamErrorEvent, validEvents, type Flavour, type SseEvent } from "./dialect-replies.ts";
import { BAD_UTF8, fraction, mutatedBytes, valueMutation, wrongValue } from "./mutate.ts";
import { LIMITS } from "./setup.ts";

export type StreamMutation =
  | { readonly op: "truncateEvents"; readonly at: number }
  | { readonly op: "dropTerminal" }
  | { readonly op: "garbageLine"; readonly at: number; readonly line: string }
  | { readonly op: "retypeEvent"; readonly at: number; readonly value: unknown }
  | {
      readonly op: "mutateEvent";
      readonly at: number;
      readonly mutation: Parameters<typeof mutatedBytes>[1][number];
    }
  | { readonly op: "notJson"; readonly at: number }
  | { readonly op: "hugeLine"; readonly at: number; readonly length: number; readonly newline: boolean }
  | { readonly op: "badUtf8"; readonly at: number; readonly bytes: readonly number[] }
  | { readonly op: "afterTerminal"; readonly count: number }
  | { readonly op: "upstreamError"; readonly at: number }
  | { readonly op: "many"; readonly times: number };

export const streamMutation: fc.Arbitrary<StreamMutation> = fc.oneof(
  fc.record({ op: fc.constant("truncateEvents" as const), at: fraction }),
  fc.constant({ op: "dropTerminal" as const }),
  fc.record({
    op: fc.constant("garbageLine" as const),
    at: fraction,
    line: fc.constantFrom(
      "garbage",
      "data {not json",
      "dat",
      ":::",
      "event",
      "id: \u0000",
      "retry: x",
      "data:",
      "event: message_stop",
    ),
  }),
  fc.record({ op: fc.constant("retypeEvent" as const), at: fraction, value: wrongValue }),
  fc.record({ op: fc.constant("mutateEvent" as const), at: fraction, mutation: valueMutation }),
  fc.record({ op: fc.constant("notJson" as const), at: fraction }),
  fc.record({
    op: fc.constant("hugeLine" as const),
    at: fraction,
    length: fc.integer({ min: LIMITS.maxEventBytes - 64, max: LIMITS.maxEventBytes * 3 }),
    newline: fc.boolean(),
  }),
  fc.record({ op: fc.constant("badUtf8" as const), at: fraction, bytes: fc.constantFrom(...BAD_UTF8) }),
  fc.record({ op: fc.constant("afterTerminal" as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant("upstreamError" as const), at: fraction }),
  fc.record({ op: fc.constant("many" as const), times: fc.integer({ min: 200, max: 3000 }) }),
);

/** One SSE event, or raw bytes standing in for one (already framed, line ends included). */
export type Item = SseEvent | { readonly raw: Buffer };

const isRaw = (i: Item): i is { readonly raw: Buffer } => "raw" in i;
const idx = (items: readonly unknown[], at: number): number =>
  Math.min(items.length - 1, Math.floor(at * items.length));

export function applyStream(f: Flavour, items: Item[], m: StreamMutation, eol: string): Item[] {
  if (items.length === 0)
    return m.op === "afterTerminal" || m.op === "upstreamError" ? [upstreamErrorEvent(f)] : items;
  const i = Math.max(
    0,
    idx(items, m.op === "dropTerminal" || m.op === "afterTerminal" || m.op === "many" ? 0 : m.at),
  );
  const target = items[i];
  const dataOf = (it: Item | undefined): string => (it && !isRaw(it) ? it.data : "{}");
  const eventOf = (it: Item | undefined): Pick<SseEvent, "event"> =>
    it && !isRaw(it) && it.event ? { event: it.event } : {};
  const withItem = (item: Item): Item[] => items.map((x, k) => (k === i ? item : x));
  switch (m.op) {
    case "truncateEvents":
      return items.slice(0, Math.floor(m.at * items.length));
    case "dropTerminal":
      return items.slice(0, -1);
    case "garbageLine":
      return [...items.slice(0, i), { raw: Buffer.from(m.line + eol + eol) }, ...items.slice(i)];
    case "retypeEvent":
      return withItem({ ...eventOf(target), data: JSON.stringify(m.value) ?? "null" });
    case "mutateEvent": {
      let value: unknown;
      try {
        value = JSON.parse(dataOf(target));
      } catch {
        return items;
      }
      const bytes = mutatedBytes(value, [m.mutation], []).subarray(0, LIMITS.maxEventBytes * 2);
      return withItem({
        raw: Buffer.concat([
          Buffer.from(target && !isRaw(target) && target.event ? `event: ${target.event}${eol}` : ""),
          Buffer.from("data: "),
          bytes,
          Buffer.from(eol + eol),
        ]),
      });
    }
    case "notJson":
      return withItem({ ...eventOf(target), data: "{not json" });
    case "hugeLine": {
      const line = Buffer.from(`data: ${JSON.stringify({ pad: "x".repeat(m.length) })}`);
      return [
        ...items.slice(0, i),
        { raw: m.newline ? Buffer.concat([line, Buffer.from(eol + eol)]) : line },
      ];
    }
    case "badUtf8": {
      const data = Buffer.from(dataOf(target));
      const cut = Math.max(0, data.lastIndexOf('"') > 0 ? data.lastIndexOf('"') : data.length);
      const raw = Buffer.concat([
        Buffer.from("data: "),
        data.subarray(0, cut),
        Buffer.from(m.bytes),
        data.subarray(cut),
        Buffer.from(eol + eol),
      ]);
      return withItem({ raw });
    }
    case "afterTerminal":
      return [...items, ...validEvents(f, ["more"], false, false).slice(1, 1 + m.count)];
    case "upstreamError":
      return [...items.slice(0, i), upstreamErrorEvent(f)];
    case "many": {
      const body = items.slice(1, -2);
      const filler = body.length > 0 ? body : items.slice(0, 1);
      const more = Array.from({ length: m.times }, (_, k) => filler[k % filler.length] as Item);
      return [...items.slice(0, 1), ...more, ...items.slice(-2)];
    }
  }
}

/** Frames events as SSE text with a chosen line end, sometimes `data:` without a space, comments and ids. */
export function frame(
  items: readonly Item[],
  eol: string,
  style: { comments: boolean; tight: boolean; ids: boolean },
): Buffer {
  const out: Buffer[] = [];
  items.forEach((it, k) => {
    if (isRaw(it)) return void out.push(it.raw);
    let s = style.comments && k % 3 === 0 ? `: keep-alive${eol}` : "";
    if (it.event) s += `event: ${it.event}${eol}`;
    if (style.ids) s += `id: ${k}${eol}`;
    for (const line of it.data.split("\n")) s += `data:${style.tight ? "" : " "}${line}${eol}`;
    out.push(Buffer.from(s + eol));
  });
  return Buffer.concat(out);
}

/** The longest a reply spends between its pieces: well under `maxResponseSeconds`, so that limit never decides. */
const MAX_GAPS_MS = 2000;

/**
 * Cuts `body` at the given fractions (sorted, deduplicated), or into single bytes when `bytewise`; with gaps
 * between pieces, into few enough pieces that the gaps add up to at most `MAX_GAPS_MS`.
 */
export function split(body: Buffer, cuts: readonly number[], bytewise: boolean, gapMs: number): Buffer[] {
  const pieces = cut(body, cuts, bytewise);
  const most = gapMs > 0 ? Math.max(1, Math.floor(MAX_GAPS_MS / gapMs)) : pieces.length;
  if (pieces.length <= most) return pieces;
  const per = Math.ceil(pieces.length / most);
  return Array.from({ length: Math.ceil(pieces.length / per) }, (_, i) =>
    Buffer.concat(pieces.slice(i * per, (i + 1) * per)),
  );
}

function cut(body: Buffer, cuts: readonly number[], bytewise: boolean): Buffer[] {
  if (bytewise && body.length <= 4096) return Array.from(body, (b) => Buffer.from([b]));
  const at = [...new Set(cuts.map((c) => Math.floor(c * body.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of at) {
    if (c > from) out.push(body.subarray(from, c));
    from = Math.max(from, c);
  }
  out.push(body.subarray(from));
  return out.filter((b) => b.length > 0);
}
