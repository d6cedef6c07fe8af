/**
 * The Responses stream renderer: each piece of completion text is screened once (deltas, and only what a `.done`
 * event or the final Response adds), ids and echoed request fields are not; a block and a broken upstream end the
 * stream with every opened part and item closed, in a sequence the official SDK's accumulator accepts; the guard
 * releases nothing from the window that triggered a block.
 */
import type { Response, ResponseStreamEvent } from "openai/resources/responses/responses";
import { accumulateResponse } from "openai/lib/responses/ResponseAccumulator";
import { describe, expect, it } from "vitest";
import { renderResponsesStream } from "../../../gateway/embedded/demo-upstream/responses-dialect.ts";
import { createRulesClassifier } from "../../../classifiers/rules.ts";
import type { StreamScorer } from "../../../classifiers/types.ts";
import { DEFAULT_RULES } from "../../../config/default-rules.ts";
import { responsesDialect } from "../../../gateway/dialects/responses.ts";
import type { StreamRenderer } from "../../../gateway/dialects/types.ts";
import { createMetrics } from "../../../gateway/observability/metrics.ts";
import { createStreamGuard, type StreamSummary } from "../../../gateway/stream/guard.ts";
import { createSseDecoder } from "../../../gateway/sse/decoder.ts";
import type { SseEvent } from "../../../gateway/sse/event.ts";
import { RULES_STAGE } from "../../helpers/streams.ts";

const BENIGN = "A friendly answer about bread, flour and water. ".repeat(6);
const PREFIX = "Sure. Here is some general background on laboratory safety, goggles and gloves. ".repeat(4);
const HARMFUL = `${PREFIX}Now the step-by-step synthesis of sarin begins with [REDACTED]. More text follows here.`;
const TRIGGER_AT = HARMFUL.indexOf("synthesis of sarin");
const ARGS = JSON.stringify({ city: "Paris", note: "bring bread" });

function decode(raw: string): SseEvent[] {
  const d = createSseDecoder();
  return [...d.push(new TextEncoder().encode(raw)), ...d.end()];
}

/** The demo upstream's stream of a text completion (or a function call), as parsed SSE events. */
function upstreamEvents(completion: { text: string } | { name: string; arguments: string }): SseEvent[] {
  const plan = renderResponsesStream(
    "text" in completion ? { kind: "text", ...completion } : { kind: "tool", tool: completion },
    "gpt-4o",
  );
  return decode(plan.head + plan.tokens.join("") + plan.tail.replaceAll('"__mock_prompt_tokens__"', "1"));
}

const renderer = (): StreamRenderer =>
  responsesDialect.createStreamRenderer({ model: "gpt-4o", fallbackId: "x" });

/** The SDK's own accumulation of a client stream: throws on an event it cannot place. */
function accumulate(events: readonly SseEvent[]): Response {
  let snapshot: Response | undefined;
  for (const e of events) snapshot = accumulateResponse(JSON.parse(e.data) as ResponseStreamEvent, snapshot);
  if (!snapshot) throw new Error("no events");
  return snapshot;
}

function screenedText(events: readonly SseEvent[]): string {
  const r = renderer();
  return events.map((e) => r.textOf(e)).join("");
}

describe("Responses stream text", () => {
  it("screens a streamed message's text exactly once, without ids or the response's settings", () => {
    expect(screenedText(upstreamEvents({ text: BENIGN }))).toBe(BENIGN);
  });

  it("screens a function call's name and its arguments once", () => {
    expect(screenedText(upstreamEvents({ name: "get_weather", arguments: ARGS }))).toBe(`get_weather${ARGS}`);
  });

  it("screens text that only a done event or the final response carries, and reasoning summaries", () => {
    const ev = (type: string, body: Record<string, unknown>): SseEvent => ({
      event: type,
      data: JSON.stringify({ type, ...body }),
    });
    const text = screenedText([
      ev("response.created", { response: { id: "resp_1", instructions: "ECHO", tools: [], output: [] } }),
      ev("response.reasoning_summary_text.delta", {
        item_id: "rs_1",
        output_index: 0,
        summary_index: 0,
        delta: "think",
      }),
      ev("response.reasoning_summary_text.done", {
        item_id: "rs_1",
        output_index: 0,
        summary_index: 0,
        text: "think",
      }),
      ev("response.output_text.done", {
        item_id: "msg_1",
        output_index: 1,
        content_index: 0,
        text: "done only",
      }),
      ev("response.completed", {
        response: {
          id: "resp_1",
          instructions: "ECHO",
          output: [{ type: "message", content: [{ text: "late text" }] }],
        },
      }),
    ]);
    expect(text).toBe("thinkdone onlylate text");
  });

  it("ends on response.completed, response.incomplete, response.failed (and a stray [DONE])", () => {
    const r = renderer();
    for (const type of ["response.completed", "response.incomplete", "response.failed"])
      expect(r.isTerminal({ event: type, data: JSON.stringify({ type, response: {} }) })).toBe(true);
    expect(r.isTerminal({ data: "[DONE]" })).toBe(true);
    expect(r.isTerminal({ data: JSON.stringify({ type: "response.output_text.done", text: "" }) })).toBe(
      false,
    );
  });
});

describe("Responses stream ends written by the gateway", () => {
  /** Renders the first `n` upstream events as released, then `end`. */
  function cutAfter(events: SseEvent[], n: number, end: (r: StreamRenderer) => string): SseEvent[] {
    const r = renderer();
    let raw = "";
    for (const e of events.slice(0, n)) {
      r.textOf(e);
      raw += r.render(e);
    }
    return decode(raw + end(r));
  }

  it("a block mid-message closes the text part and the item, then response.incomplete (content_filter)", () => {
    const upstream = upstreamEvents({ text: BENIGN });
    const client = cutAfter(upstream, 10, (r) => r.renderBlockedEnd());
    const types = client.map((e) => e.event);
    expect(types.slice(10)).toEqual([
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.incomplete",
    ]);
    const seq = client.map((e) => (JSON.parse(e.data) as { sequence_number: number }).sequence_number);
    expect(seq).toEqual(client.map((_e, i) => i));
    const final = accumulate(client);
    expect(final.status).toBe("incomplete");
    expect(final.incomplete_details).toEqual({ reason: "content_filter" });
    expect(final.output).toHaveLength(1);
    expect(final.output[0]).toMatchObject({ type: "message", status: "incomplete" });
    const released = upstream.slice(4, 10).map((e) => (JSON.parse(e.data) as { delta: string }).delta);
    expect(final.output_text).toBe(released.join(""));
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
  });

  it("a block mid-function-call (never the guard's doing: a call is a unit) still closes the call", () => {
    const client = cutAfter(upstreamEvents({ name: "get_weather", arguments: ARGS }), 5, (r) =>
      r.renderBlockedEnd(),
    );
    expect(client.map((e) => e.event).slice(5)).toEqual(["response.output_item.done", "response.incomplete"]);
    const final = accumulate(client);
    expect(final.output[0]).toMatchObject({
      type: "function_call",
      status: "incomplete",
      name: "get_weather",
    });
    expect(ARGS.startsWith((final.output[0] as { arguments: string }).arguments)).toBe(true);
  });

  it("a block before anything was released still sends a whole, well-formed response", () => {
    const client = cutAfter([], 0, (r) => r.renderBlockedEnd());
    expect(client.map((e) => e.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.incomplete",
    ]);
    expect(accumulate(client)).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "content_filter" },
    });
  });

  it("a broken upstream ends with error and response.failed after closing what was open; error alone before", () => {
    const client = cutAfter(upstreamEvents({ text: BENIGN }), 8, (r) => r.renderErrorEnd("upstream broke"));
    expect(client.map((e) => e.event).slice(8)).toEqual([
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "error",
      "response.failed",
    ]);
    const failed = accumulate(client);
    expect(failed).toMatchObject({
      status: "failed",
      error: { code: "server_error", message: "upstream broke" },
    });
    const early = cutAfter([], 0, (r) => r.renderErrorEnd("no response"));
    expect(early.map((e) => e.event)).toEqual(["error"]);
    expect(JSON.parse(early[0]?.data ?? "{}")).toMatchObject({ type: "error", message: "no response" });
  });
});

describe("Responses stream units", () => {
  /** `openUnitFrom` after each event of `events`. */
  function unitsOf(events: readonly SseEvent[]): number[] {
    const r = renderer();
    return events.map((e) => {
      r.textOf(e);
      return r.openUnitFrom?.() ?? -1;
    });
  }
  const ev = (type: string, body: Record<string, unknown> = {}): SseEvent => ({
    event: type,
    data: JSON.stringify({ type, ...body }),
  });
  const added = (i: number, type: string): SseEvent =>
    ev("response.output_item.added", { output_index: i, item: { type } });
  const done = (i: number, type: string): SseEvent =>
    ev("response.output_item.done", { output_index: i, item: { type } });
  const delta = (i: number): SseEvent =>
    ev("response.function_call_arguments.delta", { output_index: i, delta: "x" });

  it("message text streams piecewise: no unit", () => {
    expect(unitsOf(upstreamEvents({ text: BENIGN })).every((u) => u === -1)).toBe(true);
  });

  it("a function call is a unit from its item's start; parallel calls join it until a non-call event", () => {
    const units = unitsOf([
      ev("response.created", { response: {} }),
      added(0, "function_call"),
      delta(0),
      done(0, "function_call"),
      added(1, "function_call"),
      delta(1),
      done(1, "function_call"),
      added(2, "message"),
      ev("response.completed", { response: {} }),
    ]);
    expect(units).toEqual([-1, 1, 1, 1, 1, 1, 1, -1, -1]);
  });

  it("a reasoning item is a unit until its item is done; the terminal event completes every unit", () => {
    expect(unitsOf([added(0, "reasoning"), done(0, "reasoning"), added(1, "message")])).toEqual([0, -1, -1]);
    expect(
      unitsOf([added(0, "function_call"), delta(0), ev("response.completed", { response: {} })]),
    ).toEqual([0, 0, -1]);
  });
});

describe("Responses stream through the guard", () => {
  async function guarded(
    events: readonly SseEvent[],
    mode: "hold-back" | "release-then-check" = "hold-back",
  ): Promise<{ raw: string; summary: StreamSummary | undefined }> {
    let summary: StreamSummary | undefined;
    const rules = createRulesClassifier({ rules: DEFAULT_RULES });
    const guard = createStreamGuard({
      renderer: renderer(),
      dialect: "openai",
      scorers: [rules.createStreamScorer?.("") as StreamScorer],
      stage: RULES_STAGE,
      stream: { mode, scoreEveryChars: 64, holdBackChars: 128, maxHoldMs: 1000 },
      metrics: createMetrics({ collectDefaults: false }),
      onBlock: () => undefined,
      onEnd: (s) => (summary = s),
    });
    const src = new ReadableStream<SseEvent>({
      start(c) {
        for (const e of events) c.enqueue(e);
        c.close();
      },
    });
    let raw = "";
    const reader = src.pipeThrough(guard).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) raw += r.value;
    return { raw, summary };
  }

  it("hold-back: nothing from the triggering window is released; the stream ends as a content-filter refusal", async () => {
    const { raw, summary } = await guarded(upstreamEvents({ text: HARMFUL }));
    expect(raw).not.toMatch(/sarin|REDACTED/);
    const final = accumulate(decode(raw));
    expect(final).toMatchObject({ status: "incomplete", incomplete_details: { reason: "content_filter" } });
    expect(final.output_text.length).toBeGreaterThan(0);
    expect(HARMFUL.startsWith(final.output_text)).toBe(true);
    expect(final.output_text.length).toBeLessThanOrEqual(TRIGGER_AT);
    expect(summary).toMatchObject({ action: "block", cut: true });
  });

  it.each(["hold-back", "release-then-check"] as const)(
    "%s: a harmful function call is dropped whole - the client never sees the call",
    async (mode) => {
      const harmful = JSON.stringify({ title: "notes", text: HARMFUL });
      const { raw, summary } = await guarded(upstreamEvents({ name: "save_note", arguments: harmful }), mode);
      expect(raw).not.toMatch(/sarin|save_note|function_call/);
      const final = accumulate(decode(raw));
      expect(final).toMatchObject({ status: "incomplete", incomplete_details: { reason: "content_filter" } });
      expect(final.output).toEqual([]);
      expect(summary).toMatchObject({ action: "block", cut: true });
    },
  );

  it("a benign function call is released whole", async () => {
    const { raw, summary } = await guarded(upstreamEvents({ name: "get_weather", arguments: ARGS }));
    const final = accumulate(decode(raw));
    expect(final.status).toBe("completed");
    expect(final.output[0]).toMatchObject({ type: "function_call", name: "get_weather", arguments: ARGS });
    expect(summary).toMatchObject({ action: "allow", cut: false });
  });
});
