/**
 * OpenAI Chat Completions: every piece of text a client sends and every piece of text an upstream returns is
 * screened. The same harmful string is placed in each field, JSON and SSE: on the way in the request is refused in
 * the dialect and never reaches the upstream; on the way back the completion is replaced by (or the stream ends
 * in) a refusal that carries none of it. The control - a benign string in the same fields - passes through.
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
const call = (args: string): Body => ({
  id: "call_1",
  type: "function",
  function: { name: "lookup", arguments: args },
});
const toolTurns = (result: Body): Body[] => [
  user(GO),
  { role: "assistant", content: null, tool_calls: [call('{"q":"bread"}')] },
  { role: "tool", tool_call_id: "call_1", ...result },
];
const schema = (description: string): Body => ({
  type: "object",
  properties: { q: { type: "string", description } },
});

/** Where a client can put text: each row builds a request that carries `s` in that one place. */
const INPUT: [string, (s: string) => Body][] = [
  ["system message", (s) => ({ messages: [{ role: "system", content: s }, user(GO)] })],
  [
    "system message parts",
    (s) => ({ messages: [{ role: "system", content: [{ type: "text", text: s }] }, user(GO)] }),
  ],
  ["developer message", (s) => ({ messages: [{ role: "developer", content: s }, user(GO)] })],
  ["user string", (s) => ({ messages: [user(s)] })],
  [
    "user text parts",
    (s) => ({
      messages: [
        user([
          { type: "text", text: GO },
          { type: "text", text: s },
        ]),
      ],
    }),
  ],
  ["tool result", (s) => ({ messages: toolTurns({ content: s }) })],
  ["tool result parts", (s) => ({ messages: toolTurns({ content: [{ type: "text", text: s }] }) })],
  [
    "legacy function result",
    (s) => ({
      messages: [
        user(GO),
        { role: "assistant", content: null, function_call: { name: "lookup", arguments: "{}" } },
        { role: "function", name: "lookup", content: s },
      ],
    }),
  ],
  [
    "tool definition description",
    (s) => ({
      tools: [
        { type: "function", function: { name: "lookup", description: s, parameters: schema("query") } },
      ],
      messages: [user(GO)],
    }),
  ],
  [
    "tool parameter description",
    (s) => ({
      tools: [
        { type: "function", function: { name: "lookup", description: "Looks up.", parameters: schema(s) } },
      ],
      messages: [user(GO)],
    }),
  ],
  [
    "legacy functions",
    (s) => ({
      functions: [{ name: "lookup", description: s, parameters: schema("query") }],
      function_call: "auto",
      messages: [user(GO)],
    }),
  ],
  ["assistant prefill", (s) => ({ messages: [user(GO), { role: "assistant", content: s }] })],
  [
    "assistant tool call in history",
    (s) => ({
      messages: [
        ...toolTurns({ content: "done" }).map((m) =>
          m.role === "assistant" ? { ...m, tool_calls: [call(JSON.stringify({ q: s }))] } : m,
        ),
        { role: "assistant", content: "Done." },
        user("Thanks, carry on."),
      ],
    }),
  ],
  ["a field a message gains tomorrow", (s) => ({ messages: [{ ...user(GO), x_note: s }] })],
  ["a field a request gains tomorrow", (s) => ({ x_context: { note: s }, messages: [user(GO)] })],
];

const chunk = (delta: Body, finish: string | null = null): SseEvent => ({
  data: JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  }),
});

function answer(mode: Mode, message: Body, deltas: Body[], finish = "stop"): Scripted {
  if (mode === "json") {
    return {
      kind: "json",
      body: {
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "gpt-4o",
        choices: [
          { index: 0, message: { role: "assistant", ...message }, logprobs: null, finish_reason: finish },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      },
    };
  }
  const events = [
    chunk({ role: "assistant", content: "" }),
    ...deltas.map((d) => chunk(d)),
    chunk({}, finish),
  ];
  return { kind: "sse", events: [...events, { data: "[DONE]" }] };
}

const args = (s: string): string => JSON.stringify({ q: s });

/** Where an upstream can put text: each row answers with `s` in that one place, as a JSON body or as deltas. */
const OUTPUT: [string, (mode: Mode, s: string) => Scripted][] = [
  [
    "content",
    (m, s) =>
      answer(
        m,
        { content: s },
        pieces(s).map((p) => ({ content: p })),
      ),
  ],
  [
    "refusal",
    (m, s) =>
      answer(
        m,
        { content: null, refusal: s },
        pieces(s).map((p) => ({ refusal: p })),
      ),
  ],
  [
    "tool call arguments",
    (m, s) =>
      answer(
        m,
        { content: null, tool_calls: [call(args(s))] },
        [
          { tool_calls: [{ index: 0, ...call("") }] },
          ...pieces(args(s)).map((p) => ({ tool_calls: [{ index: 0, function: { arguments: p } }] })),
        ],
        "tool_calls",
      ),
  ],
  [
    "legacy function_call arguments",
    (m, s) =>
      answer(
        m,
        { content: null, function_call: { name: "lookup", arguments: args(s) } },
        [
          { function_call: { name: "lookup", arguments: "" } },
          ...pieces(args(s)).map((p) => ({ function_call: { arguments: p } })),
        ],
        "function_call",
      ),
  ],
  [
    "reasoning_content",
    (m, s) =>
      answer(m, { content: "Sure.", reasoning_content: s }, [
        ...pieces(s).map((p) => ({ reasoning_content: p })),
        { content: "Sure." },
      ]),
  ],
  [
    "reasoning",
    (m, s) =>
      answer(m, { content: "Sure.", reasoning: s }, [
        ...pieces(s).map((p) => ({ reasoning: p })),
        { content: "Sure." },
      ]),
  ],
  [
    "a field a server adds tomorrow",
    (m, s) =>
      answer(m, { content: "Sure.", x_thoughts: s }, [
        ...pieces(s).map((p) => ({ x_thoughts: p })),
        { content: "Sure." },
      ]),
  ],
];

describe.each(["json", "sse"] as const)("OpenAI %s: every channel is screened", (mode) => {
  const request = (extra: Body): Body => ({
    model: "gpt-4o",
    ...(mode === "sse" ? { stream: true } : {}),
    ...extra,
  });

  it.each(INPUT)("client -> gateway: %s", async (_field, build) => {
    const benignAnswer = answer(mode, { content: "Sure." }, [{ content: "Sure." }]);
    serve(up, benignAnswer);
    const before = forwarded(up);
    expectRefusal("openai", mode, await post(gw.url, "openai", request(build(HARMFUL))));
    expect(forwarded(up), "a refused request must never reach the upstream").toBe(before);
    expectPassedThrough(await post(gw.url, "openai", request(build(BENIGN))), benignAnswer);
    expect(forwarded(up)).toBe(before + 1);
  });

  it.each(OUTPUT)("upstream -> client: %s", async (_field, build) => {
    const ask = request({ messages: [user("Tell me about bread.")] });
    serve(up, build(mode, HARMFUL));
    expectRefusal("openai", mode, await post(gw.url, "openai", ask));
    const benignAnswer = build(mode, BENIGN);
    serve(up, benignAnswer);
    expectPassedThrough(await post(gw.url, "openai", ask), benignAnswer);
  });
});
