/**
 * OpenAI Responses API: every piece of text a client sends and every piece of text an upstream returns is
 * screened. The same harmful string is placed in each field, JSON and SSE: on the way in the request is refused
 * (an incomplete Response, reason `content_filter`) and never reaches the upstream; on the way back the Response is
 * replaced by (or the stream ends in) that refusal without any of it. The control - a benign string in the same
 * fields - passes through unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SseEvent } from "../../gateway/sse/event.ts";
import {
  BENIGN,
  channelsConfig,
  expectPassedThrough,
  forwarded,
  HARMFUL,
  HARMFUL_MARK,
  pieces,
  serve,
  sseEvents,
  type Mode,
  type Reply,
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

type Body = Record<string, unknown>;
const GO = "Go ahead.";
const user = (content: unknown): Body => ({ role: "user", content });
const call = (args: string): Body => ({
  type: "function_call",
  call_id: "call_1",
  name: "lookup",
  arguments: args,
});
const args = (s: string): string => JSON.stringify({ q: s });
const schema = (description: string): Body => ({
  type: "object",
  properties: { q: { type: "string", description } },
});

/** Where a client can put text: each row builds a request that carries `s` in that one place. */
const INPUT: [string, (s: string) => Body][] = [
  ["input string", (s) => ({ input: s })],
  ["user message string", (s) => ({ input: [user(s)] })],
  [
    "user input_text parts",
    (s) => ({
      input: [
        user([
          { type: "input_text", text: GO },
          { type: "input_text", text: s },
        ]),
      ],
    }),
  ],
  ["instructions", (s) => ({ instructions: s, input: GO })],
  ["system message item", (s) => ({ input: [{ role: "system", content: s }, user(GO)] })],
  [
    "developer message item",
    (s) => ({ input: [{ type: "message", role: "developer", content: s }, user(GO)] }),
  ],
  [
    "function_call_output",
    (s) => ({
      input: [user(GO), call(args("bread")), { type: "function_call_output", call_id: "call_1", output: s }],
    }),
  ],
  [
    "function_call_output parts",
    (s) => ({
      input: [
        user(GO),
        call(args("bread")),
        { type: "function_call_output", call_id: "call_1", output: [{ type: "input_text", text: s }] },
      ],
    }),
  ],
  [
    "custom_tool_call_output",
    (s) => ({
      input: [
        user(GO),
        { type: "custom_tool_call", call_id: "call_2", name: "run", input: "ls" },
        { type: "custom_tool_call_output", call_id: "call_2", output: s },
      ],
    }),
  ],
  [
    "function_call arguments in history",
    (s) => ({
      input: [
        user(GO),
        call(args(s)),
        { type: "function_call_output", call_id: "call_1", output: "done" },
        { role: "assistant", content: "Done." },
        user("Thanks, carry on."),
      ],
    }),
  ],
  ["assistant message last (prefill)", (s) => ({ input: [user(GO), { role: "assistant", content: s }] })],
  [
    "tool definition description",
    (s) => ({
      tools: [{ type: "function", name: "lookup", description: s, parameters: schema("query") }],
      input: GO,
    }),
  ],
  [
    "tool parameter description",
    (s) => ({
      tools: [{ type: "function", name: "lookup", description: "Looks up.", parameters: schema(s) }],
      input: GO,
    }),
  ],
  [
    "text.format schema",
    (s) => ({ text: { format: { type: "json_schema", name: "answer", schema: schema(s) } }, input: GO }),
  ],
  ["prompt template variables", (s) => ({ prompt: { id: "pmpt_1", variables: { topic: s } }, input: GO })],
  ["a field an item gains tomorrow", (s) => ({ input: [{ ...user(GO), x_note: s }] })],
  ["a field a request gains tomorrow", (s) => ({ x_context: { note: s }, input: GO })],
];

const ev = (type: string, body: Body): SseEvent => ({ event: type, data: JSON.stringify({ type, ...body }) });

function response(output: Body[], status = "completed"): Body {
  return {
    id: "resp_1",
    object: "response",
    created_at: 1,
    status,
    model: "gpt-4o",
    instructions: null,
    tools: [],
    output,
    usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
  };
}

/** One output item and the events that stream it (between `response.in_progress` and `response.completed`). */
interface Channel {
  readonly item: Body;
  readonly events: SseEvent[];
}

function scripted(mode: Mode, c: Channel): Scripted {
  if (mode === "json") return { kind: "json", body: response([c.item]) };
  const open = response([], "in_progress");
  return {
    kind: "sse",
    events: [
      ev("response.created", { response: open }),
      ev("response.in_progress", { response: open }),
      ...c.events,
      ev("response.completed", { response: response([c.item]) }),
    ],
  };
}

/** A message with one content part streamed by `deltaType` deltas. */
function message(
  part: Body,
  empty: Body,
  deltaType: string,
  text: string,
  doneType: string,
  doneField: string,
): Channel {
  const at = { item_id: "msg_1", output_index: 0, content_index: 0 };
  const item = { id: "msg_1", type: "message", status: "completed", role: "assistant", content: [part] };
  return {
    item,
    events: [
      ev("response.output_item.added", {
        output_index: 0,
        item: { ...item, status: "in_progress", content: [] },
      }),
      ev("response.content_part.added", { ...at, part: empty }),
      ...pieces(text).map((delta) => ev(deltaType, { ...at, delta })),
      ev(doneType, { ...at, [doneField]: text }),
      ev("response.content_part.done", { ...at, part }),
      ev("response.output_item.done", { output_index: 0, item }),
    ],
  };
}

/** An item whose `field` is streamed by `deltaType` deltas. */
function growing(item: Body, field: string, deltaType: string, doneType: string): Channel {
  const at = { item_id: item.id, output_index: 0 };
  const text = String(item[field]);
  return {
    item,
    events: [
      ev("response.output_item.added", {
        output_index: 0,
        item: { ...item, status: "in_progress", [field]: "" },
      }),
      ...pieces(text).map((delta) => ev(deltaType, { ...at, delta })),
      ev(doneType, { ...at, [field]: text }),
      ev("response.output_item.done", { output_index: 0, item }),
    ],
  };
}

/** Where an upstream can put text: each row answers with `s` in that one place. */
const OUTPUT: [string, (s: string) => Channel][] = [
  [
    "output_text",
    (s) =>
      message(
        { type: "output_text", text: s, annotations: [] },
        { type: "output_text", text: "", annotations: [] },
        "response.output_text.delta",
        s,
        "response.output_text.done",
        "text",
      ),
  ],
  [
    "refusal part",
    (s) =>
      message(
        { type: "refusal", refusal: s },
        { type: "refusal", refusal: "" },
        "response.refusal.delta",
        s,
        "response.refusal.done",
        "refusal",
      ),
  ],
  [
    "function_call arguments",
    (s) =>
      growing(
        {
          id: "fc_1",
          type: "function_call",
          status: "completed",
          call_id: "call_1",
          name: "lookup",
          arguments: args(s),
        },
        "arguments",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
      ),
  ],
  [
    "custom_tool_call input",
    (s) =>
      growing(
        {
          id: "ctc_1",
          type: "custom_tool_call",
          status: "completed",
          call_id: "call_2",
          name: "run",
          input: s,
        },
        "input",
        "response.custom_tool_call_input.delta",
        "response.custom_tool_call_input.done",
      ),
  ],
  [
    "reasoning summary",
    (s) => {
      const at = { item_id: "rs_1", output_index: 0, summary_index: 0 };
      const part = { type: "summary_text", text: s };
      const item = { id: "rs_1", type: "reasoning", summary: [part] };
      return {
        item,
        events: [
          ev("response.output_item.added", { output_index: 0, item: { ...item, summary: [] } }),
          ev("response.reasoning_summary_part.added", { ...at, part: { ...part, text: "" } }),
          ...pieces(s).map((delta) => ev("response.reasoning_summary_text.delta", { ...at, delta })),
          ev("response.reasoning_summary_text.done", { ...at, text: s }),
          ev("response.reasoning_summary_part.done", { ...at, part }),
          ev("response.output_item.done", { output_index: 0, item }),
        ],
      };
    },
  ],
  [
    "a field a server adds tomorrow",
    (s) => {
      const item = { id: "x_1", type: "x_notes", status: "completed", notes: s };
      return {
        item,
        events: [
          ev("response.output_item.added", { output_index: 0, item: { ...item, notes: "" } }),
          ...pieces(s).map((delta) =>
            ev("response.x_notes.delta", { item_id: "x_1", output_index: 0, delta }),
          ),
          ev("response.output_item.done", { output_index: 0, item }),
        ],
      };
    },
  ],
];

async function post(body: Body): Promise<Reply> {
  const res = await fetch(`${gw.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test-key" },
    body: JSON.stringify(body),
  });
  return { status: res.status, raw: await res.text() };
}

/** Every string of a parsed event, glued: text split over deltas is whole again. */
function strings(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return "";
  return Object.values(value).map(strings).join("");
}

/** Asserts `reply` is the Responses refusal (JSON, or a stream ending in it) and carries none of the harmful text. */
function expectRefusal(mode: Mode, reply: Reply): void {
  expect(reply.status).toBe(200);
  const filtered = { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  if (mode === "json") {
    expect(reply.raw).not.toMatch(HARMFUL_MARK);
    expect(JSON.parse(reply.raw)).toMatchObject(filtered);
    return;
  }
  const events = sseEvents(reply.raw).map((e) => JSON.parse(e.data) as unknown);
  expect(`${reply.raw}\n${events.map(strings).join("")}`).not.toMatch(HARMFUL_MARK);
  expect(events.at(-1)).toMatchObject({ type: "response.incomplete", response: filtered });
}

describe.each(["json", "sse"] as const)("Responses %s: every channel is screened", (mode) => {
  const request = (extra: Body): Body => ({
    model: "gpt-4o",
    ...(mode === "sse" ? { stream: true } : {}),
    ...extra,
  });
  const sure: Channel = OUTPUT[0]![1]("Sure.");

  it.each(INPUT)("client -> gateway: %s", async (_field, build) => {
    const benignAnswer = scripted(mode, sure);
    serve(up, benignAnswer);
    const before = forwarded(up);
    expectRefusal(mode, await post(request(build(HARMFUL))));
    expect(forwarded(up), "a refused request must never reach the upstream").toBe(before);
    expectPassedThrough(await post(request(build(BENIGN))), benignAnswer);
    expect(forwarded(up)).toBe(before + 1);
  });

  it.each(OUTPUT)("upstream -> client: %s", async (_field, build) => {
    const ask = request({ input: "Tell me about bread." });
    serve(up, scripted(mode, build(HARMFUL)));
    expectRefusal(mode, await post(ask));
    const benignAnswer = scripted(mode, build(BENIGN));
    serve(up, benignAnswer);
    expectPassedThrough(await post(ask), benignAnswer);
  });
});
