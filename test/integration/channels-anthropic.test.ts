/**
 * Anthropic Messages: every piece of text a client sends and every piece of text an upstream returns is screened.
 * The same harmful string is placed in each field, JSON and SSE: on the way in the request is refused in the
 * dialect and never reaches the upstream; on the way back the message is replaced by (or the stream ends in) a
 * refusal that carries none of it. The control - a benign string in the same fields - passes through.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SseEvent } from "../../gateway/sse/event.ts";
import {
  BENIGN,
  channelsConfig,
  expectPassedThrough,
  expectRefusal,
  forwarded,
  HARMFUL,
  pieces,
  post,
  serve,
  type Mode,
  type Scripted,
} from "../helpers/channels.ts";
import { startGateway, type RunningProcess } from "../helpers/processes.ts";
import { useScriptedUpstream } from "../helpers/scripted-upstream.ts";

const up = useScriptedUpstream();
let gw: RunningProcess;

beforeAll(async () => {
  gw = await startGateway({ config: channelsConfig(up.url) });
});

afterAll(async () => {
  await gw?.stop();
});

const GO = "Go ahead.";
type Body = Record<string, unknown>;
const user = (content: unknown): Body => ({ role: "user", content });
const text = (t: string): Body => ({ type: "text", text: t });
const withGo = (block: Body): Body[] => [user([block, text(GO)])];
const toolResult = (content: unknown): Body[] => [
  user(GO),
  {
    role: "assistant",
    content: [{ type: "tool_use", id: "toolu_1", name: "lookup", input: { q: "bread" } }],
  },
  user([{ type: "tool_result", tool_use_id: "toolu_1", content }]),
];
const schema = (description: string): Body => ({
  type: "object",
  properties: { q: { type: "string", description } },
});
const searchResult = (title: string, body: string): Body => ({
  type: "search_result",
  source: "https://example.com/notes",
  title,
  content: [text(body)],
});

/** Where a client can put text: each row builds a request that carries `s` in that one place. */
const INPUT: [string, (s: string) => Body][] = [
  ["system string", (s) => ({ system: s, messages: [user(GO)] })],
  ["system blocks", (s) => ({ system: [text(s)], messages: [user(GO)] })],
  ["user string", (s) => ({ messages: [user(s)] })],
  ["user text blocks", (s) => ({ messages: [user([text(GO), text(s)])] })],
  ["tool_result string", (s) => ({ messages: toolResult(s) })],
  ["tool_result blocks", (s) => ({ messages: toolResult([text(s)]) })],
  ["search_result inside tool_result", (s) => ({ messages: toolResult([searchResult("Notes", s)]) })],
  [
    "tool description",
    (s) => ({
      tools: [{ name: "lookup", description: s, input_schema: schema("query") }],
      messages: [user(GO)],
    }),
  ],
  [
    "tool input_schema description",
    (s) => ({
      tools: [{ name: "lookup", description: "Looks up.", input_schema: schema(s) }],
      messages: [user(GO)],
    }),
  ],
  [
    "document, text source",
    (s) => ({
      messages: withGo({ type: "document", source: { type: "text", media_type: "text/plain", data: s } }),
    }),
  ],
  [
    "document, content source",
    (s) => ({ messages: withGo({ type: "document", source: { type: "content", content: [text(s)] } }) }),
  ],
  [
    "document title and context",
    (s) => ({
      messages: withGo({
        type: "document",
        source: { type: "text", media_type: "text/plain", data: "Notes." },
        title: s,
        context: s,
      }),
    }),
  ],
  ["search_result title", (s) => ({ messages: withGo(searchResult(s, "Notes.")) })],
  ["search_result content", (s) => ({ messages: withGo(searchResult("Notes", s)) })],
  ["assistant prefill", (s) => ({ messages: [user(GO), { role: "assistant", content: s }] })],
  ["assistant prefill blocks", (s) => ({ messages: [user(GO), { role: "assistant", content: [text(s)] }] })],
  ["a block type added tomorrow", (s) => ({ messages: withGo({ type: "x_memo", body: s }) })],
  ["a field a request gains tomorrow", (s) => ({ x_context: { note: s }, messages: [user(GO)] })],
];

const ev = (event: string, body: Body): SseEvent => ({
  event,
  data: JSON.stringify({ type: event, ...body }),
});

/** A message as JSON, or as a stream: `start` opens block 0 and `deltas` fill it. */
function answer(mode: Mode, blocks: Body[], start: Body, deltas: Body[], stop = "end_turn"): Scripted {
  const message = { id: "msg_1", type: "message", role: "assistant", model: "claude-x" };
  if (mode === "json") {
    const usage = { input_tokens: 1, output_tokens: 1 };
    return {
      kind: "json",
      body: { ...message, content: blocks, stop_reason: stop, stop_sequence: null, usage },
    };
  }
  const events = [
    ev("message_start", {
      message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 1 } },
    }),
    ev("content_block_start", { index: 0, content_block: start }),
    ...deltas.map((delta) => ev("content_block_delta", { index: 0, delta })),
    ev("content_block_stop", { index: 0 }),
    ev("message_delta", { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 1 } }),
    ev("message_stop", {}),
  ];
  return { kind: "sse", events };
}

const toolUse = (input: Body): Body => ({ type: "tool_use", id: "toolu_1", name: "lookup", input });
const thinking = (t: string): Body => ({ type: "thinking", thinking: t, signature: "c2lnbmF0dXJl" });

/** Where an upstream can put text: each row answers with `s` in that one place, as JSON or as a stream. */
const OUTPUT: [string, (mode: Mode, s: string) => Scripted][] = [
  [
    "text",
    (m, s) =>
      answer(
        m,
        [text(s)],
        text(""),
        pieces(s).map((p) => ({ type: "text_delta", text: p })),
      ),
  ],
  [
    "tool_use input",
    (m, s) =>
      answer(
        m,
        [toolUse({ q: s })],
        toolUse({}),
        pieces(JSON.stringify({ q: s })).map((p) => ({ type: "input_json_delta", partial_json: p })),
        "tool_use",
      ),
  ],
  [
    "thinking",
    (m, s) =>
      answer(m, [thinking(s), text("Sure.")], thinking(""), [
        ...pieces(s).map((p) => ({ type: "thinking_delta", thinking: p })),
        { type: "signature_delta", signature: "c2lnbmF0dXJl" },
      ]),
  ],
  ["content_block_start text", (m, s) => answer(m, [text(s)], text(s), [])],
  [
    "content_block_start tool_use input",
    (m, s) => answer(m, [toolUse({ q: s })], toolUse({ q: s }), [], "tool_use"),
  ],
  ["content_block_start thinking", (m, s) => answer(m, [thinking(s)], thinking(s), [])],
  [
    "a block type added tomorrow",
    (m, s) =>
      answer(m, [{ type: "x_memo", body: s }], { type: "x_memo", body: "" }, [
        ...pieces(s).map((p) => ({ type: "x_memo_delta", body: p })),
      ]),
  ],
];

describe.each(["json", "sse"] as const)("Anthropic %s: every channel is screened", (mode) => {
  const request = (extra: Body): Body => ({
    model: "claude-x",
    max_tokens: 100,
    ...(mode === "sse" ? { stream: true } : {}),
    ...extra,
  });

  it.each(INPUT)("client -> gateway: %s", async (_field, build) => {
    const benignAnswer = answer(mode, [text("Sure.")], text(""), [{ type: "text_delta", text: "Sure." }]);
    serve(up, benignAnswer);
    const before = forwarded(up);
    expectRefusal("anthropic", mode, await post(gw.url, "anthropic", request(build(HARMFUL))));
    expect(forwarded(up), "a refused request must never reach the upstream").toBe(before);
    expectPassedThrough(await post(gw.url, "anthropic", request(build(BENIGN))), benignAnswer);
    expect(forwarded(up)).toBe(before + 1);
  });

  it.each(OUTPUT)("upstream -> client: %s", async (_field, build) => {
    const ask = request({ messages: [user("Tell me about bread.")] });
    serve(up, build(mode, HARMFUL));
    expectRefusal("anthropic", mode, await post(gw.url, "anthropic", ask));
    const benignAnswer = build(mode, BENIGN);
    serve(up, benignAnswer);
    expectPassedThrough(await post(gw.url, "anthropic", ask), benignAnswer);
  });
});
