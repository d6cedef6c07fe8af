/**
 * Tool calls and thinking blocks reach a client whole or not at all (issue 11, items 1 and 6), checked with the
 * official clients' stream helpers, which assemble tool calls the way agents read them: a harmful tool call cut
 * mid-arguments leaves no tool call in the final message and the stream ends as an ordinary refusal; a benign one
 * arrives complete and parses; a cut thinking block never reaches the client with an empty signature; a blocked
 * `n > 1` stream ends every choice.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENIGN_TOOL_CALL } from "../../gateway/embedded/demo-upstream/text.ts";
import type { SseEvent } from "../../gateway/sse/event.ts";
import { HARMFUL, HARMFUL_MARK, pieces, serve } from "../helpers/channels.ts";
import {
  startGateway,
  startDemoUpstreamProcess,
  testConfig,
  type RunningProcess,
} from "../helpers/processes.ts";
import { useScriptedUpstream } from "../helpers/scripted-upstream.ts";

const up = useScriptedUpstream();
let mock: RunningProcess;
let gw: RunningProcess;
let openai: OpenAI;
let anthropic: Anthropic;

/** Models `mock-*` go to the demo upstream (its `tool-call` scenario), every other model to the scripted one. */
function config(mockUrl: string, scriptedUrl: string): Record<string, unknown> {
  const upstream = (baseUrl: string, dialect: string) => ({
    baseUrl,
    dialect,
    apiKeyEnv: "MOCK_UPSTREAM_KEY",
    headersTimeoutMs: 3000,
  });
  return testConfig(mockUrl, {
    upstreams: {
      mock_openai: upstream(mockUrl, "openai"),
      mock_anthropic: upstream(mockUrl, "anthropic"),
      scripted_openai: upstream(scriptedUrl, "openai"),
      scripted_anthropic: upstream(scriptedUrl, "anthropic"),
    },
    routes: [
      { match: "mock-*", upstream: "mock_openai" },
      { match: "mock-*", upstream: "mock_anthropic" },
      { match: "*", upstream: "scripted_openai" },
      { match: "*", upstream: "scripted_anthropic" },
    ],
    // Many blocks in one file must not throttle the key.
    enforcement: { thresholds: { throttle: 100_000, suspend: 200_000 } },
  });
}

beforeAll(async () => {
  mock = await startDemoUpstreamProcess();
  gw = await startGateway({ config: config(mock.url, up.url) });
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "test-key", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: "test-key", maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await mock?.stop();
});

/** Benign text longer than the guard's screening interval, so the old guard released part of what follows. */
const PREAMBLE =
  "Notes for the bakery: feed the starter at eight, bake the loaves at two hundred and thirty degrees, " +
  "then let them cool on the rack before slicing. ";
const HARMFUL_ARGS = JSON.stringify({ title: "notes", text: `${PREAMBLE}${HARMFUL} ${PREAMBLE}` });
const BENIGN_ARGS = JSON.stringify({ city: "Paris", note: PREAMBLE });
const ASK = "Please help me with my bakery notes.";

type Body = Record<string, unknown>;

describe("openai client (chat.completions.stream + finalChatCompletion)", () => {
  const chunk = (choices: Body[]): SseEvent => ({
    data: JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "gpt-x",
      choices,
    }),
  });
  const choice = (delta: Body, finish: string | null = null, index = 0): Body => ({
    index,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const toolStart = (index: number, name: string): Body => ({
    tool_calls: [{ index, id: `call_${index}`, type: "function", function: { name, arguments: "" } }],
  });
  const toolArgs = (index: number, args: string): SseEvent[] =>
    pieces(args).map((p) => chunk([choice({ tool_calls: [{ index, function: { arguments: p } }] })]));
  const final = (model: string) =>
    openai.chat.completions
      .stream({ model, messages: [{ role: "user", content: ASK }] })
      .finalChatCompletion();

  it("a harmful tool call cut mid-arguments: no tool call at all, finish_reason content_filter", async () => {
    const r = await final("mock-tool-call-harmful");
    expect(r.choices).toHaveLength(1);
    expect(r.choices[0]?.finish_reason).toBe("content_filter");
    expect(r.choices[0]?.message.tool_calls).toBeUndefined();
    expect(JSON.stringify(r)).not.toMatch(/sarin|save_note/);
  });

  it("a benign tool call arrives complete and its arguments parse", async () => {
    const r = await final("mock-tool-call");
    expect(r.choices[0]?.finish_reason).toBe("tool_calls");
    const call = r.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" ? call.function.name : "").toBe(BENIGN_TOOL_CALL.name);
    const args = call?.type === "function" ? call.function.arguments : "";
    expect(JSON.parse(args)).toEqual(JSON.parse(BENIGN_TOOL_CALL.arguments));
  });

  it("two tool calls, the second harmful: neither reaches the client (the turn is refused whole)", async () => {
    serve(up, {
      kind: "sse",
      events: [
        chunk([choice({ role: "assistant", content: null, ...toolStart(0, "get_weather") })]),
        ...toolArgs(0, BENIGN_ARGS),
        chunk([choice(toolStart(1, "save_note"))]),
        ...toolArgs(1, HARMFUL_ARGS),
        chunk([choice({}, "tool_calls")]),
        { data: "[DONE]" },
      ],
    });
    const r = await final("gpt-x");
    expect(r.choices[0]?.finish_reason).toBe("content_filter");
    expect(r.choices[0]?.message.role).toBe("assistant");
    expect(r.choices[0]?.message.tool_calls).toBeUndefined();
    expect(JSON.stringify(r)).not.toMatch(HARMFUL_MARK);
  });

  it("text before a benign tool call streams; the tool call follows complete", async () => {
    serve(up, {
      kind: "sse",
      events: [
        chunk([choice({ role: "assistant", content: "" })]),
        ...pieces(PREAMBLE).map((p) => chunk([choice({ content: p })])),
        chunk([choice(toolStart(0, "get_weather"))]),
        ...toolArgs(0, BENIGN_ARGS),
        chunk([choice({}, "tool_calls")]),
        { data: "[DONE]" },
      ],
    });
    const r = await final("gpt-x");
    expect(r.choices[0]?.message.content).toBe(PREAMBLE);
    const call = r.choices[0]?.message.tool_calls?.[0];
    expect(JSON.parse(call?.type === "function" ? call.function.arguments : "")).toEqual(
      JSON.parse(BENIGN_ARGS),
    );
  });

  it("n = 2, choice 1 blocked: every choice ends with content_filter", async () => {
    const benign = pieces(PREAMBLE);
    const harmful = pieces(`${PREAMBLE}${HARMFUL} ${PREAMBLE}`);
    const events: SseEvent[] = [
      chunk([choice({ role: "assistant", content: "" }, null, 0)]),
      chunk([choice({ role: "assistant", content: "" }, null, 1)]),
    ];
    for (let i = 0; i < harmful.length; i++) {
      const b = benign[i];
      if (b !== undefined) events.push(chunk([choice({ content: b }, null, 0)]));
      events.push(chunk([choice({ content: harmful[i] }, null, 1)]));
    }
    events.push(chunk([choice({}, "stop", 0)]), chunk([choice({}, "stop", 1)]), { data: "[DONE]" });
    serve(up, { kind: "sse", events });
    const r = await openai.chat.completions
      .stream({ model: "gpt-x", n: 2, messages: [{ role: "user", content: ASK }] })
      .finalChatCompletion();
    expect(r.choices.map((c) => [c.index, c.finish_reason])).toEqual([
      [0, "content_filter"],
      [1, "content_filter"],
    ]);
    expect(JSON.stringify(r)).not.toMatch(HARMFUL_MARK);
  });
});

describe("anthropic client (messages.stream + finalMessage)", () => {
  const ev = (event: string, body: Body = {}): SseEvent => ({
    event,
    data: JSON.stringify({ type: event, ...body }),
  });
  const start = ev("message_start", {
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-x",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 0 },
    },
  });
  const end = (stop: string): SseEvent[] => [
    ev("message_delta", { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 1 } }),
    ev("message_stop"),
  ];
  const block = (index: number, content: Body, deltas: Body[]): SseEvent[] => [
    ev("content_block_start", { index, content_block: content }),
    ...deltas.map((delta) => ev("content_block_delta", { index, delta })),
    ev("content_block_stop", { index }),
  ];
  const toolUse = (index: number, name: string, args: string): SseEvent[] =>
    block(
      index,
      { type: "tool_use", id: `toolu_${index}`, name, input: {} },
      pieces(args).map((p) => ({ type: "input_json_delta", partial_json: p })),
    );
  const SIGNATURE = "c2lnbmF0dXJlLW9mLXRoZS10aGlua2luZw==";
  const thinking = (index: number, text: string): SseEvent[] =>
    block(index, { type: "thinking", thinking: "", signature: "" }, [
      ...pieces(text).map((p) => ({ type: "thinking_delta", thinking: p })),
      { type: "signature_delta", signature: SIGNATURE },
    ]);
  const text = (index: number, t: string): SseEvent[] =>
    block(
      index,
      { type: "text", text: "" },
      pieces(t).map((p) => ({ type: "text_delta", text: p })),
    );
  const final = (model: string) =>
    anthropic.messages
      .stream({ model, max_tokens: 500, messages: [{ role: "user", content: ASK }] })
      .finalMessage();

  it("a harmful tool_use cut mid-input: no tool_use block at all, stop_reason refusal", async () => {
    const r = await final("mock-tool-call-harmful");
    expect(r.stop_reason).toBe("refusal");
    expect(r.content.filter((b) => b.type === "tool_use")).toEqual([]);
    expect(JSON.stringify(r)).not.toMatch(/sarin|save_note/);
  });

  it("a benign tool_use arrives complete with its parsed input", async () => {
    const r = await final("mock-tool-call");
    expect(r.stop_reason).toBe("tool_use");
    const call = r.content.find((b) => b.type === "tool_use");
    expect(call?.type === "tool_use" ? call.input : undefined).toEqual(
      JSON.parse(BENIGN_TOOL_CALL.arguments),
    );
  });

  it("two tool_use blocks, the second harmful: neither reaches the client", async () => {
    serve(up, {
      kind: "sse",
      events: [
        start,
        ...text(0, "Let me save that."),
        ...toolUse(1, "get_weather", BENIGN_ARGS),
        ...toolUse(2, "save_note", HARMFUL_ARGS),
        ...end("tool_use"),
      ],
    });
    const r = await final("claude-x");
    expect(r.stop_reason).toBe("refusal");
    expect(r.content.map((b) => b.type)).toEqual(["text"]);
    expect(JSON.stringify(r)).not.toMatch(HARMFUL_MARK);
  });

  it("a thinking block cut mid-way never reaches the client (no block with an empty signature)", async () => {
    serve(up, {
      kind: "sse",
      events: [
        start,
        ...thinking(0, `${PREAMBLE}${HARMFUL} ${PREAMBLE}`),
        ...text(1, "Sure."),
        ...end("end_turn"),
      ],
    });
    const r = await final("claude-x");
    expect(r.stop_reason).toBe("refusal");
    expect(r.content).toEqual([]);
    expect(JSON.stringify(r)).not.toMatch(HARMFUL_MARK);
  });

  it("a benign thinking block arrives whole, with its signature, before the text", async () => {
    serve(up, {
      kind: "sse",
      events: [start, ...thinking(0, PREAMBLE), ...text(1, "Sure."), ...end("end_turn")],
    });
    const r = await final("claude-x");
    expect(r.stop_reason).toBe("end_turn");
    expect(r.content).toMatchObject([
      { type: "thinking", thinking: PREAMBLE, signature: SIGNATURE },
      { type: "text", text: "Sure." },
    ]);
  });
});
