/**
 * Well-formed upstream answers of each dialect, the material the fuzzer's upstream replies start from: a JSON
 * response, and the SSE event sequence a provider streams (OpenAI chat chunks with optional tool calls; Anthropic
 * message, ping, thinking, text and tool_use blocks; Responses API events), plus the error event an upstream sends
 * mid-stream.
 */
import fc from "fast-check";
import { HARMFUL } from "./requests.ts";

/** The wire shape an upstream reply is generated for. */
export type Flavour = "chat" | "responses" | "messages" | "count_tokens";

export interface SseEvent {
  readonly event?: string;
  readonly data: string;
}

export const completionText = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom("Sure: knead, rest, bake at 230 C.", "Slow start doubles cwnd per RTT."),
  },
  { weight: 1, arbitrary: fc.constant(`Here is how. ${HARMFUL} Step one: acquire precursors.`) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
);

/** Splits text into 1-8 character pieces (mid-word, mid-surrogate-pair is avoided by splitting code points). */
export function pieces(text: string, sizes: readonly number[]): string[] {
  const cps = [...text];
  const out: string[] = [];
  for (let i = 0, k = 0; i < cps.length; k++) {
    const n = sizes[k % Math.max(1, sizes.length)] ?? 3;
    out.push(cps.slice(i, i + n).join(""));
    i += n;
  }
  return out.length > 0 ? out : [""];
}

const ev = (data: unknown, event?: string): SseEvent => ({
  ...(event ? { event } : {}),
  data: JSON.stringify(data),
});

function chatJson(text: string): unknown {
  return {
    id: "chatcmpl-fz",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
  };
}

function chatEvents(parts: readonly string[], tool: boolean): SseEvent[] {
  const chunk = (delta: unknown, finish: string | null): SseEvent =>
    ev({
      id: "chatcmpl-fz",
      object: "chat.completion.chunk",
      created: 1,
      model: "gpt-4o",
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  const toolEvents = tool
    ? [
        chunk(
          {
            tool_calls: [
              { index: 0, id: "call_1", type: "function", function: { name: "calc", arguments: "" } },
            ],
          },
          null,
        ),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }, null),
        chunk({ tool_calls: [{ index: 0, function: { arguments: "2}" } }] }, null),
      ]
    : [];
  return [
    chunk({ role: "assistant", content: "" }, null),
    ...parts.map((p) => chunk({ content: p }, null)),
    ...toolEvents,
    chunk({}, tool ? "tool_calls" : "stop"),
    { data: "[DONE]" },
  ];
}

function messagesJson(text: string): unknown {
  return {
    id: "msg_fz",
    type: "message",
    role: "assistant",
    model: "claude-3-5-sonnet",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 5, output_tokens: 7 },
  };
}

function messagesEvents(parts: readonly string[], tool: boolean, thinking: boolean): SseEvent[] {
  const e = (type: string, body: Record<string, unknown>): SseEvent => ev({ type, ...body }, type);
  const out: SseEvent[] = [
    e("message_start", {
      message: {
        id: "msg_fz",
        type: "message",
        role: "assistant",
        model: "claude-3-5-sonnet",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 5, output_tokens: 1 },
      },
    }),
    e("ping", {}),
  ];
  let index = 0;
  if (thinking) {
    out.push(
      e("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } }),
      e("content_block_delta", { index, delta: { type: "thinking_delta", thinking: "Let me think." } }),
      e("content_block_delta", { index, delta: { type: "signature_delta", signature: "c2ln" } }),
      e("content_block_stop", { index }),
    );
    index++;
  }
  out.push(e("content_block_start", { index, content_block: { type: "text", text: "" } }));
  for (const p of parts)
    out.push(e("content_block_delta", { index, delta: { type: "text_delta", text: p } }));
  out.push(e("content_block_stop", { index }));
  if (tool) {
    index++;
    out.push(
      e("content_block_start", {
        index,
        content_block: { type: "tool_use", id: "tu_1", name: "w", input: {} },
      }),
      e("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: '{"city":' } }),
      e("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: '"Oslo"}' } }),
      e("content_block_stop", { index }),
    );
  }
  out.push(
    e("message_delta", {
      delta: { stop_reason: tool ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: 9 },
    }),
    e("message_stop", {}),
  );
  return out;
}

function response(status: string, output: unknown[]): Record<string, unknown> {
  return {
    id: "resp_fz",
    object: "response",
    created_at: 1,
    status,
    model: "gpt-4o",
    output,
    usage: status === "completed" ? { input_tokens: 5, output_tokens: 7, total_tokens: 12 } : null,
  };
}

const message = (text: string, status: string): unknown => ({
  id: "msg_fz",
  type: "message",
  status,
  role: "assistant",
  content: status === "completed" ? [{ type: "output_text", text, annotations: [] }] : [],
});

function responsesEvents(parts: readonly string[]): SseEvent[] {
  let seq = 0;
  const e = (type: string, body: Record<string, unknown>): SseEvent =>
    ev({ type, ...body, sequence_number: seq++ }, type);
  const text = parts.join("");
  const at = { item_id: "msg_fz", output_index: 0, content_index: 0 };
  return [
    e("response.created", { response: response("in_progress", []) }),
    e("response.in_progress", { response: response("in_progress", []) }),
    e("response.output_item.added", { output_index: 0, item: message("", "in_progress") }),
    e("response.content_part.added", { ...at, part: { type: "output_text", text: "", annotations: [] } }),
    ...parts.map((delta) => e("response.output_text.delta", { ...at, delta })),
    e("response.output_text.done", { ...at, text }),
    e("response.content_part.done", { ...at, part: { type: "output_text", text, annotations: [] } }),
    e("response.output_item.done", { output_index: 0, item: message(text, "completed") }),
    e("response.completed", { response: response("completed", [message(text, "completed")]) }),
  ];
}

export function validJson(f: Flavour, text: string): unknown {
  switch (f) {
    case "chat":
      return chatJson(text);
    case "responses":
      return response("completed", [message(text, "completed")]);
    case "messages":
      return messagesJson(text);
    case "count_tokens":
      return { input_tokens: text.length };
  }
}

export function validEvents(
  f: Flavour,
  parts: readonly string[],
  tool: boolean,
  thinking: boolean,
): SseEvent[] {
  switch (f) {
    case "chat":
    case "count_tokens":
      return chatEvents(parts, tool);
    case "responses":
      return responsesEvents(parts);
    case "messages":
      return messagesEvents(parts, tool, thinking);
  }
}

/** What an upstream sends to report an error mid-stream, in its dialect. */
export function upstreamErrorEvent(f: Flavour): SseEvent {
  return f === "messages"
    ? ev({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "error")
    : ev({ error: { message: "overloaded", type: "server_error", param: null, code: null } });
}
