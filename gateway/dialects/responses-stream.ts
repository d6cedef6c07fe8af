/**
 * The stream renderer of the OpenAI Responses dialect. Screening side: every event's text - deltas of output
 * text, refusals, function call arguments, reasoning text and summaries, custom and MCP tool inputs, and any
 * string a server adds - except what the stream already screened (a `.done` event, a finished item and
 * `response.completed` repeat the deltas whole) and the request fields a Response object echoes; tool calls and
 * reasoning items are units the guard releases whole (`responses-units.ts`). Client side: events pass through
 * unchanged; a block closes what the client saw opened and ends with `response.incomplete` (reason
 * `content_filter`), a broken upstream with `error` and `response.failed`.
 */
import type { SseEvent } from "../sse/event.ts";
import { formatSse } from "../sse/format.ts";
import {
  createEventWriter,
  filteredResponse,
  freshResponse,
  responsesId,
  usageOf,
  type EventWriter,
} from "./responses-events.ts";
import { createOutputTracker, type OutputTracker } from "./responses-output.ts";
import { collectResponsesText, responsesTextOf, withoutEcho } from "./responses-text.ts";
import { estimateTokens } from "./types.ts";
import { createItemUnits } from "./responses-units.ts";
import type { StreamRenderer } from "./types.ts";

type Obj = Record<string, unknown>;

/** Events that end a well-formed Responses stream. */
const TERMINAL: ReadonlySet<string> = new Set([
  "response.completed",
  "response.incomplete",
  "response.failed",
]);

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeOf(v: unknown): string {
  return isObj(v) && typeof v.type === "string" ? v.type : "";
}

/**
 * Reads each parsed event's text for the guard, in stream order. Deltas are read whole and remembered per part;
 * any other string is read unless it equals a part's deltas so far or a string read before, so the text of a
 * finished part, item or response - which repeats the deltas - is screened once, while text that only a `.done`
 * event or `response.completed` carries (an upstream that sends no deltas) is screened there.
 */
export function createEventTextReader(): (event: unknown) => string {
  const deltas = new Map<string, string>();
  const seen = new Set<string>();
  const known = (s: string): boolean => {
    if (seen.has(s)) return true;
    for (const d of deltas.values()) if (d.length === s.length && d === s) return true;
    return false;
  };
  return function eventText(event) {
    const type = typeOf(event);
    // Audio bytes are no text; their transcript comes in its own events.
    if (type === "response.audio.delta") return "";
    if (type.endsWith(".delta") && isObj(event)) {
      const text = responsesTextOf(event, "");
      const key = `${type}\0${String(event.output_index)}\0${String(event.content_index ?? event.summary_index)}`;
      deltas.set(key, (deltas.get(key) ?? "") + text);
      return text;
    }
    const pieces: string[] = [];
    const v =
      isObj(event) && "response" in event ? { ...event, response: withoutEcho(event.response) } : event;
    collectResponsesText(v, pieces);
    let text = "";
    for (const p of pieces) {
      if (p.length === 0 || known(p)) continue;
      seen.add(p);
      text = text.length === 0 ? p : `${text}\n${p}`;
    }
    return text;
  };
}

/** Options of the Responses stream renderer. */
export interface ResponsesRendererOptions {
  readonly model: string;
  /** The request's estimated input tokens, reported in the usage of a stream the gateway ends. @defaultValue 0 */
  readonly inputTokens?: number | undefined;
}

/** The response the client holds, or - when it has none yet - a fresh one announced first. */
function responseOrPreamble(
  out: OutputTracker,
  w: EventWriter,
  model: string,
): { response: Obj; preamble: string } {
  const seen = out.response();
  if (seen) return { response: seen, preamble: "" };
  const response = freshResponse({ id: responsesId("resp"), model });
  return {
    response,
    preamble: w.event("response.created", { response }) + w.event("response.in_progress", { response }),
  };
}

/** Creates the renderer for one Responses stream. */
export function createResponsesRenderer(opts: ResponsesRendererOptions): StreamRenderer {
  const parsed = new WeakMap<SseEvent, { value: unknown }>();
  const readText = createEventTextReader();
  const units = createItemUnits();
  const out = createOutputTracker();
  let read = 0;
  const valueOf = (ev: SseEvent): unknown => {
    let v = parsed.get(ev);
    if (v === undefined) {
      v = { value: JSON.parse(ev.data) };
      parsed.set(ev, v);
    }
    return v.value;
  };
  const usage = (): Obj =>
    usageOf(opts.inputTokens ?? 0, estimateTokens(responsesTextOf(out.output()).length));
  return {
    textOf(ev) {
      const at = read++;
      if (ev.data === "[DONE]") {
        units.done();
        return "";
      }
      const value = valueOf(ev);
      units.read(value, at);
      return readText(value);
    },
    isTerminal: (ev) => ev.data === "[DONE]" || TERMINAL.has(typeOf(valueOf(ev))),
    openUnitFrom: () => units.unitFrom(),
    render(ev) {
      if (ev.data !== "[DONE]") {
        const v = valueOf(ev);
        if (isObj(v)) out.see(v);
      }
      return formatSse(ev);
    },
    renderBlockedEnd() {
      const w = createEventWriter(out.nextSequence());
      const { response, preamble } = responseOrPreamble(out, w, opts.model);
      const closing = out.closeOpen(w);
      const final = filteredResponse(response, out.output(), usage());
      return preamble + closing + w.event("response.incomplete", { response: final });
    },
    renderErrorEnd(message) {
      const w = createEventWriter(out.nextSequence());
      const response = out.response();
      if (!response) return w.event("error", { code: "server_error", message, param: null });
      const closing = out.closeOpen(w);
      const error = { code: "server_error", message };
      const failed = { ...response, status: "failed", error, output: out.output(), usage: usage() };
      return (
        closing +
        w.event("error", { ...error, param: null }) +
        w.event("response.failed", { response: failed })
      );
    },
  };
}
