/**
 * Upstream reply generators: what the scripted upstream answers one fuzz case with, for the dialect of the route
 * the case calls. JSON bodies (valid, retyped, truncated, invalid UTF-8, garbage, over `maxResponseBytes`), SSE
 * streams (valid event sequences of the dialect, truncated, missing their terminal event, garbage lines, huge
 * lines, wrong JSON types inside events, invalid UTF-8, events after the end, an upstream error event), error
 * statuses with every kind of body, a reset connection and a hang - written in pieces split at random byte
 * boundaries, with CR / LF / CRLF line ends and comments, and ended, reset or left stalled.
 */
import fc from "fast-check";
import { completionText, pieces, validEvents, validJson, type Flavour } from "./dialect-replies.ts";
import {
  chance,
  fraction,
  mutatedBytes,
  rawMutation,
  valueMutation,
  type RawMutation,
  type ValueMutation,
} from "./mutate.ts";
import type { RouteKind } from "./requests.ts";
import { LIMITS } from "./setup.ts";
import {
  applyStream,
  frame,
  split,
  streamMutation,
  type Item,
  type StreamMutation,
} from "./stream-mutations.ts";

export type { Flavour } from "./dialect-replies.ts";

export type UpstreamPlan =
  | { readonly kind: "reset" }
  | { readonly kind: "hang" }
  | {
      readonly kind: "reply";
      readonly status: number;
      readonly contentType: string | undefined;
      readonly retryAfter: string | undefined;
      /** The body in the pieces it is written in. */
      readonly chunks: readonly Buffer[];
      /** Declares `content-length` (only with `ending: "end"`); otherwise chunked. */
      readonly contentLength: boolean;
      /** Milliseconds to wait before each piece after the first: none (one write burst) or small gaps. */
      readonly gapMs: number;
      readonly ending: "end" | "reset" | "stall";
      /** Built as a well-formed, untouched JSON response or SSE stream of the dialect. */
      readonly clean: boolean;
      /** Built as SSE (whatever the content type says). */
      readonly sse: boolean;
      /** The mutations applied to the body (`truncateEvents`, `afterTerminal`, `retype`, ...). */
      readonly mutations: readonly string[];
    };

export function flavourOf(route: RouteKind): Flavour | undefined {
  switch (route) {
    case "chat":
    case "responses":
    case "messages":
    case "count_tokens":
      return route;
    case "classify":
    case "models":
    case "stray":
      return undefined;
  }
}

const delivery = fc.record({
  cuts: fc.array(fraction, { maxLength: 12 }),
  bytewise: chance(1, 4),
  gapMs: fc.oneof(
    { weight: 6, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }) },
    { weight: 1, arbitrary: fc.integer({ min: 150, max: 400 }) },
  ),
  contentLength: fc.boolean(),
  ending: fc.oneof(
    { weight: 30, arbitrary: fc.constant("end" as const) },
    { weight: 2, arbitrary: fc.constant("reset" as const) },
    { weight: 1, arbitrary: fc.constant("stall" as const) },
  ),
});

const sseContentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant("text/event-stream") },
  { weight: 2, arbitrary: fc.constant("text/event-stream; charset=utf-8") },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>("application/json", undefined) },
);
const jsonContentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant("application/json") },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>("text/plain", "text/event-stream", undefined) },
);

function sseBody(f: Flavour) {
  return fc
    .record({
      text: completionText,
      sizes: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
      tool: chance(3, 20),
      thinking: chance(3, 20),
      eol: fc.constantFrom("\n", "\n", "\r\n", "\r"),
      style: fc.record({ comments: fc.boolean(), tight: fc.boolean(), ids: fc.boolean() }),
      mutations: fc.oneof(
        { weight: 3, arbitrary: fc.constant<StreamMutation[]>([]) },
        { weight: 2, arbitrary: fc.array(streamMutation, { minLength: 1, maxLength: 2 }) },
      ),
    })
    .map((r) => {
      let items: Item[] = validEvents(f, pieces(r.text, r.sizes), r.tool, r.thinking);
      for (const m of r.mutations) items = applyStream(f, items, m, r.eol);
      return {
        body: frame(items, r.eol, r.style),
        clean: r.mutations.length === 0,
        mutations: r.mutations.map((m) => m.op),
      };
    });
}

function jsonBody(f: Flavour) {
  return fc
    .record({
      text: completionText,
      values: fc.oneof(
        { weight: 3, arbitrary: fc.constant<ValueMutation[]>([]) },
        { weight: 2, arbitrary: fc.array(valueMutation, { minLength: 1, maxLength: 2 }) },
      ),
      raws: fc.oneof(
        { weight: 4, arbitrary: fc.constant<RawMutation[]>([]) },
        { weight: 1, arbitrary: fc.array(rawMutation, { minLength: 1, maxLength: 2 }) },
      ),
      huge: chance(1, 20),
    })
    .map((r) => {
      const value = validJson(f, r.huge ? r.text + "y".repeat(LIMITS.maxResponseBytes) : r.text);
      return {
        body: mutatedBytes(value, r.values, r.raws),
        clean: r.values.length + r.raws.length === 0 && !r.huge,
        mutations: [...r.values.map((m) => m.op), ...r.raws.map((m) => m.op), ...(r.huge ? ["huge"] : [])],
      };
    });
}

function errorBody(f: Flavour): fc.Arbitrary<Buffer> {
  const dialectError =
    f === "messages" || f === "count_tokens"
      ? { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }
      : {
          error: {
            message: "Rate limit reached",
            type: "requests",
            param: null,
            code: "rate_limit_exceeded",
          },
        };
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(Buffer.from(JSON.stringify(dialectError))) },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom<unknown>(
          "",
          "<html>502 Bad Gateway</html>",
          { error: "string" },
          { error: 5 },
          { error: null },
          { message: "no error key" },
          [1, 2],
          { error: { message: 7 } },
          { type: "error" },
        )
        .map((b) => Buffer.from(typeof b === "string" ? b : JSON.stringify(b))),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 70_000, max: 200_000 })
        .map((n) => Buffer.from(JSON.stringify({ error: { message: "m".repeat(n), type: "x" } }))),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b)) },
  );
}

const ERROR_STATUSES = [
  400, 401, 403, 404, 408, 409, 413, 418, 422, 429, 451, 500, 501, 502, 503, 504, 529,
] as const;

/** A reply of the upstream to one request of `flavour` (`stream`: the request asked for a stream). */
export function upstreamPlan(f: Flavour, stream: boolean): fc.Arbitrary<UpstreamPlan> {
  const success = (kind: "sse" | "json") =>
    fc
      .record({
        status: fc.oneof(
          { weight: 20, arbitrary: fc.constant(200) },
          { weight: 1, arbitrary: fc.constantFrom(201, 203) },
        ),
        body: kind === "sse" ? sseBody(f) : jsonBody(f),
        contentType: kind === "sse" ? sseContentType : jsonContentType,
        delivery,
      })
      .map((r): UpstreamPlan => ({
        kind: "reply",
        status: r.status,
        contentType: r.contentType,
        retryAfter: undefined,
        chunks: split(r.body.body, r.delivery.cuts, r.delivery.bytewise, r.delivery.gapMs),
        contentLength: r.delivery.contentLength && r.delivery.ending === "end",
        gapMs: r.delivery.gapMs,
        ending: r.delivery.ending,
        clean: r.body.clean,
        sse: kind === "sse",
        mutations: r.body.mutations,
      }));
  const failure = fc
    .record({
      status: fc.constantFrom(...ERROR_STATUSES),
      body: errorBody(f),
      contentType: fc.constantFrom<string | undefined>("application/json", "text/html", undefined),
      retryAfter: fc.constantFrom<string | undefined>(
        undefined,
        "7",
        "abc",
        "Wed, 21 Oct 2099 07:28:00 GMT",
        "-1",
      ),
      ending: fc.oneof(
        { weight: 10, arbitrary: fc.constant("end" as const) },
        { weight: 1, arbitrary: fc.constant("reset" as const) },
      ),
    })
    .map((r): UpstreamPlan => ({
      kind: "reply",
      status: r.status,
      contentType: r.contentType,
      retryAfter: r.retryAfter,
      chunks: [r.body],
      contentLength: r.ending === "end",
      gapMs: 0,
      ending: r.ending,
      clean: false,
      sse: false,
      mutations: [],
    }));
  const streamed = f !== "count_tokens" && stream;
  return fc.oneof(
    { weight: 120, arbitrary: success(streamed ? "sse" : "json") },
    { weight: 20, arbitrary: success(streamed ? "json" : "sse") },
    { weight: 40, arbitrary: failure },
    { weight: 10, arbitrary: fc.constant<UpstreamPlan>({ kind: "reset" }) },
    { weight: 3, arbitrary: fc.constant<UpstreamPlan>({ kind: "hang" }) },
  );
}
