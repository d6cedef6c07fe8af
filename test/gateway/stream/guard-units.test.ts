/**
 * The guard holds units (a turn's tool calls, a thinking block) until they are complete and screened: a block, a
 * hold timer or a broken upstream never lets part of one out, in either stream mode; the refusal finishes every
 * choice and closes only blocks the client saw.
 */
import { describe, expect, it } from "vitest";
import { createRulesClassifier } from "../../../classifiers/rules.ts";
import type { StreamScorer } from "../../../classifiers/types.ts";
import type { StreamPolicy } from "../../../config/schema.ts";
import { DEFAULT_RULES } from "../../../config/default-rules.ts";
import { anthropicDialect } from "../../../gateway/dialects/anthropic.ts";
import { openaiDialect } from "../../../gateway/dialects/openai.ts";
import { createMetrics } from "../../../gateway/observability/metrics.ts";
import { createStreamGuard, type StreamSummary } from "../../../gateway/stream/guard.ts";
import { createSseDecoder } from "../../../gateway/sse/decoder.ts";
import type { SseEvent } from "../../../gateway/sse/event.ts";
import { RULES_STAGE } from "../../helpers/streams.ts";

const PREFIX = "Sure. Here is some general background on laboratory safety, goggles and gloves. ".repeat(3);
const HARMFUL = `${PREFIX}Now the step-by-step synthesis of sarin begins with [REDACTED]. More text follows.`;
const BENIGN = `${PREFIX}That is all for today.`;

const holdBack: StreamPolicy = {
  mode: "hold-back",
  scoreEveryChars: 64,
  holdBackChars: 128,
  maxHoldMs: 1000,
};
const releaseThenCheck: StreamPolicy = { ...holdBack, mode: "release-then-check" };

type Body = Record<string, unknown>;

/** A guard fed by hand, so a test can pause the upstream mid-stream. */
function startGuard(dialect: "openai" | "anthropic", stream: StreamPolicy) {
  const d = dialect === "openai" ? openaiDialect : anthropicDialect;
  const rules = createRulesClassifier({ rules: DEFAULT_RULES });
  let summary: StreamSummary | undefined;
  let controller: ReadableStreamDefaultController<SseEvent> | undefined;
  const src = new ReadableStream<SseEvent>({ start: (c) => void (controller = c) });
  const guard = createStreamGuard({
    renderer: d.createStreamRenderer({ model: "m", fallbackId: "x" }),
    dialect,
    scorers: [rules.createStreamScorer?.("") as StreamScorer],
    stage: RULES_STAGE,
    stream,
    metrics: createMetrics({ collectDefaults: false }),
    onBlock: () => undefined,
    onEnd: (s) => (summary = s),
  });
  let out = "";
  const done = (async () => {
    const reader = src.pipeThrough(guard).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) out += r.value;
  })();
  return {
    push: (events: readonly SseEvent[]) => events.forEach((e) => controller?.enqueue(e)),
    close: () => controller?.close(),
    out: () => out,
    done,
    summary: () => summary,
  };
}

async function run(dialect: "openai" | "anthropic", events: readonly SseEvent[], stream = holdBack) {
  const g = startGuard(dialect, stream);
  g.push(events);
  g.close();
  await g.done;
  return { out: g.out(), events: parse(g.out()), summary: g.summary() };
}

function parse(raw: string): SseEvent[] {
  const d = createSseDecoder();
  return [...d.push(Buffer.from(raw)), ...d.end()];
}

const json = (e: SseEvent | undefined): Body => JSON.parse(e?.data ?? "{}") as Body;

describe("openai: tool calls", () => {
  const chunk = (choices: Body[]): SseEvent => ({
    data: JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices }),
  });
  const choice = (delta: Body, finish: string | null = null, index = 0): Body => ({
    index,
    delta,
    finish_reason: finish,
  });
  const words = (s: string): string[] => s.match(/.{1,9}/gs) ?? [];
  const toolCall = (index: number, name: string, args: string, first: Body = {}): SseEvent[] => [
    chunk([
      choice({
        ...first,
        tool_calls: [{ index, id: `call_${index}`, type: "function", function: { name, arguments: "" } }],
      }),
    ]),
    ...words(args).map((p) => chunk([choice({ tool_calls: [{ index, function: { arguments: p } }] })])),
  ];
  const end = (finish: string): SseEvent[] => [chunk([choice({}, finish)]), { data: "[DONE]" }];
  const HARMFUL_ARGS = JSON.stringify({ text: HARMFUL });

  it.each([
    ["hold-back", holdBack],
    ["release-then-check", releaseThenCheck],
  ] as const)(
    "%s: a tool call blocked mid-arguments releases none of it; the refusal carries the role",
    async (_m, stream) => {
      const events = [
        ...toolCall(0, "save_note", HARMFUL_ARGS, { role: "assistant", content: null }),
        ...end("tool_calls"),
      ];
      const r = await run("openai", events, stream);
      expect(r.out).not.toMatch(/tool_calls|save_note|sarin/);
      expect(json(r.events.at(-2)).choices).toEqual([
        { index: 0, delta: { role: "assistant" }, logprobs: null, finish_reason: "content_filter" },
      ]);
      expect(r.events.at(-1)?.data).toBe("[DONE]");
      expect(r.summary).toMatchObject({ action: "block", cut: true, released: 0 });
    },
  );

  it("a legacy function_call blocked mid-arguments releases none of it", async () => {
    const events = [
      chunk([
        choice({ role: "assistant", content: null, function_call: { name: "save_note", arguments: "" } }),
      ]),
      ...words(HARMFUL_ARGS).map((p) => chunk([choice({ function_call: { arguments: p } })])),
      ...end("function_call"),
    ];
    const r = await run("openai", events);
    expect(r.out).not.toMatch(/function_call|save_note|sarin/);
    expect(r.summary?.action).toBe("block");
  });

  it("parallel tool calls, the second harmful: the first (complete) is not released either", async () => {
    const benignArgs = JSON.stringify({ city: "Paris", note: BENIGN });
    const events = [
      chunk([choice({ role: "assistant", content: "" })]),
      chunk([choice({ content: "Let me note that. " })]),
      ...toolCall(0, "get_weather", benignArgs),
      ...toolCall(1, "save_note", HARMFUL_ARGS),
      ...end("tool_calls"),
    ];
    const r = await run("openai", events);
    expect(r.out).toContain("Let me note that.");
    expect(r.out).not.toMatch(/tool_calls|get_weather|sarin/);
  });

  it("the hold timer releases text before a tool call, never part of the call; the call follows whole", async () => {
    const g = startGuard("openai", { ...holdBack, maxHoldMs: 20 });
    const args = JSON.stringify({ city: "Paris", unit: "celsius" });
    const call = toolCall(0, "get_weather", args);
    g.push([chunk([choice({ role: "assistant", content: "Checking. " })]), ...call.slice(0, 3)]);
    await new Promise((r) => setTimeout(r, 100));
    expect(g.out()).toContain("Checking. ");
    expect(g.out()).not.toContain("tool_calls");
    g.push([...call.slice(3), ...end("tool_calls")]);
    g.close();
    await g.done;
    const deltas = parse(g.out())
      .filter((e) => e.data !== "[DONE]")
      .flatMap(
        (e) => json(e).choices as { delta: { tool_calls?: { function: { arguments?: string } }[] } }[],
      );
    const assembled = deltas.map((c) => c.delta.tool_calls?.[0]?.function.arguments ?? "").join("");
    expect(assembled).toBe(args);
    expect(g.summary()).toMatchObject({ action: "allow", cut: false });
  });

  it("an upstream that ends mid tool call: the text before it is released, the call is not", async () => {
    const events = [
      chunk([choice({ role: "assistant", content: "Checking the weather. " })]),
      ...toolCall(0, "get_weather", JSON.stringify({ city: "Paris" })).slice(0, 3),
    ];
    const r = await run("openai", events);
    expect(r.out).toContain("Checking the weather. ");
    expect(r.out).not.toContain("tool_calls");
    expect(r.events.at(-1)?.data).toContain('"error"');
    expect(r.summary?.upstreamError).toBeDefined();
  });

  it("n = 2: the refusal finishes every choice the client has not seen finish, with a role only where needed", async () => {
    const r = await run("openai", [
      chunk([choice({ role: "assistant", content: "" }, null, 0)]),
      chunk([choice({ content: "Short answer." }, null, 0)]),
      chunk([choice({}, "stop", 0)]),
      ...words(HARMFUL).map((w, i) =>
        chunk([choice(i === 0 ? { role: "assistant", content: w } : { content: w }, null, 1)]),
      ),
      chunk([choice({}, "stop", 1)]),
      { data: "[DONE]" },
    ]);
    expect(r.out).not.toMatch(/sarin/);
    const finishes = r.events
      .filter((e) => e.data !== "[DONE]")
      .flatMap((e) => json(e).choices as Body[])
      .filter((c) => c.finish_reason !== null);
    expect(finishes).toEqual([
      { index: 0, delta: {}, finish_reason: "stop" },
      { index: 1, delta: {}, logprobs: null, finish_reason: "content_filter" },
    ]);
  });
});

describe("anthropic: thinking and tool_use blocks", () => {
  const ev = (event: string, body: Body = {}): SseEvent => ({
    event,
    data: JSON.stringify({ type: event, ...body }),
  });
  const start = ev("message_start", {
    message: { id: "m1", type: "message", role: "assistant", model: "m" },
  });
  const block = (index: number, content: Body, deltas: Body[]): SseEvent[] => [
    ev("content_block_start", { index, content_block: content }),
    ...deltas.map((delta) => ev("content_block_delta", { index, delta })),
    ev("content_block_stop", { index }),
  ];
  const words = (s: string): string[] => s.match(/\S+\s*/g) ?? [];
  const thinking = (index: number, t: string): SseEvent[] =>
    block(index, { type: "thinking", thinking: "", signature: "" }, [
      ...words(t).map((w) => ({ type: "thinking_delta", thinking: w })),
      { type: "signature_delta", signature: "c2lnbmF0dXJl" },
    ]);
  const text = (index: number, t: string): SseEvent[] =>
    block(
      index,
      { type: "text", text: "" },
      words(t).map((w) => ({ type: "text_delta", text: w })),
    );
  const toolUse = (index: number, name: string, input: string): SseEvent[] =>
    block(
      index,
      { type: "tool_use", id: `toolu_${index}`, name, input: {} },
      (input.match(/.{1,9}/gs) ?? []).map((p) => ({ type: "input_json_delta", partial_json: p })),
    );
  const end = (stop: string): SseEvent[] => [
    ev("message_delta", { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 1 } }),
    ev("message_stop"),
  ];

  it("a thinking block cut mid-way is dropped whole: no block start, no empty signature, nothing to close", async () => {
    const r = await run("anthropic", [
      start,
      ...thinking(0, HARMFUL),
      ...text(1, "Done."),
      ...end("end_turn"),
    ]);
    expect(r.events.map((e) => e.event)).toEqual(["message_start", "message_delta", "message_stop"]);
    expect(json(r.events.at(-2))).toMatchObject({ delta: { stop_reason: "refusal" } });
    expect(r.summary).toMatchObject({ action: "block", released: 0 });
  });

  it("release-then-check holds a thinking block whole too", async () => {
    const r = await run(
      "anthropic",
      [start, ...thinking(0, HARMFUL), ...text(1, "Done."), ...end("end_turn")],
      releaseThenCheck,
    );
    expect(r.out).not.toMatch(/thinking|sarin/);
  });

  it("a complete thinking block goes out with its signature; a block in the text after it closes the text", async () => {
    const r = await run("anthropic", [
      start,
      ...thinking(0, BENIGN),
      ...text(1, HARMFUL),
      ...end("end_turn"),
    ]);
    const out = r.events.map((e) => [e.event, json(e).index]);
    expect(out.slice(0, 4)).toEqual([
      ["message_start", undefined],
      ["content_block_start", 0],
      ["content_block_delta", 0],
      ["content_block_delta", 0],
    ]);
    expect(r.out).toContain('"signature":"c2lnbmF0dXJl"');
    expect(r.out).not.toMatch(/sarin/);
    expect(out.slice(-3)).toEqual([
      ["content_block_stop", 1],
      ["message_delta", undefined],
      ["message_stop", undefined],
    ]);
  });

  it("tool_use blocks in a row, the second harmful: text before goes out, neither tool_use does", async () => {
    const r = await run("anthropic", [
      start,
      ...text(0, "Saving your notes now. "),
      ...toolUse(1, "get_weather", JSON.stringify({ city: "Paris", note: BENIGN })),
      ...toolUse(2, "save_note", JSON.stringify({ text: HARMFUL })),
      ...end("tool_use"),
    ]);
    const said = r.events.map((e) => (json(e).delta as { text?: string } | undefined)?.text ?? "").join("");
    expect(said).toBe("Saving your notes now. ");
    expect(r.out).not.toMatch(/tool_use|get_weather|sarin/);
    const stops = r.events.filter((e) => e.event === "content_block_stop").map((e) => json(e).index);
    expect(stops).toEqual([0]);
  });

  it("a benign tool_use run is released whole, ending at message_delta", async () => {
    const events = [
      start,
      ...toolUse(0, "get_weather", JSON.stringify({ city: "Paris" })),
      ...toolUse(1, "get_time", JSON.stringify({ zone: "CET" })),
      ...end("tool_use"),
    ];
    const r = await run("anthropic", events);
    expect(r.events.map((e) => e.data)).toEqual(events.map((e) => e.data));
  });
});
