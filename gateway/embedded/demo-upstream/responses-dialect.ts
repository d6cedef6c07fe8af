/**
 * OpenAI Responses API renderers of the demo upstream (`POST /v1/responses`): a Response JSON body and the SSE
 * stream as OpenAI sends it - `response.created`, `response.in_progress`, the output item and its part opened,
 * one delta per token (`response.output_text.delta` or `response.function_call_arguments.delta`), the done
 * events, then `response.completed` with usage. Every event has an `event:` line and a `sequence_number`.
 */
import type { Completion } from "./scenarios.ts";
import { completionPieces } from "./scenarios.ts";
import type { StreamPlan } from "./wire.ts";
import { PROMPT_TOKENS_SLOT, sseEvent, totalTokensSlot, unixSeconds } from "./wire.ts";

const RESPONSE_ID = "resp_mock0000000000000001";
const MESSAGE_ID = "msg_mock0000000000000001";
const FUNCTION_CALL_ID = "fc_mock0000000000000001";
const CALL_ID = "call_mock0000000000000001";

type Obj = Record<string, unknown>;

function usage(completion: Completion): Obj {
  const outputTokens = completionPieces(completion).length;
  return {
    input_tokens: PROMPT_TOKENS_SLOT,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: totalTokensSlot(outputTokens),
  };
}

/** A Response object with the settings of a plain request. */
function response(model: string, createdAt: number, status: string, output: Obj[], use: Obj | null): Obj {
  return {
    id: RESPONSE_ID,
    object: "response",
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: use,
    user: null,
    metadata: {},
  };
}

function textPart(text: string): Obj {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

/** The finished output item of a completion: an assistant message, or a function call. */
function outputItem(completion: Completion, status: "in_progress" | "completed"): Obj {
  const done = status === "completed";
  if (completion.kind === "text") {
    return {
      id: MESSAGE_ID,
      type: "message",
      status,
      role: "assistant",
      content: done ? [textPart(completion.text)] : [],
    };
  }
  return {
    id: FUNCTION_CALL_ID,
    type: "function_call",
    status,
    arguments: done ? completion.tool.arguments : "",
    call_id: CALL_ID,
    name: completion.tool.name,
  };
}

/** A completed Response JSON body (input and total token counts left as placeholders, see `wire.ts`). */
export function renderResponsesJson(completion: Completion, model: string): string {
  return JSON.stringify(
    response(model, unixSeconds(), "completed", [outputItem(completion, "completed")], usage(completion)),
  );
}

/** A Responses SSE stream plan (see the module comment for the event order). */
export function renderResponsesStream(completion: Completion, model: string): StreamPlan {
  const createdAt = unixSeconds();
  let seq = 0;
  const event = (type: string, body: Obj): string =>
    sseEvent(type, { type, ...body, sequence_number: seq++ });
  const inProgress = response(model, createdAt, "in_progress", [], null);
  const text = completion.kind === "text";
  const at = text
    ? { item_id: MESSAGE_ID, output_index: 0, content_index: 0 }
    : { item_id: FUNCTION_CALL_ID, output_index: 0 };
  let head =
    event("response.created", { response: inProgress }) +
    event("response.in_progress", { response: inProgress }) +
    event("response.output_item.added", { output_index: 0, item: outputItem(completion, "in_progress") });
  if (text) head += event("response.content_part.added", { ...at, part: textPart("") });
  const tokens = completionPieces(completion).map((delta) =>
    text
      ? event("response.output_text.delta", { ...at, delta, logprobs: [] })
      : event("response.function_call_arguments.delta", { ...at, delta }),
  );
  const item = outputItem(completion, "completed");
  let tail =
    completion.kind === "text"
      ? event("response.output_text.done", { ...at, text: completion.text, logprobs: [] }) +
        event("response.content_part.done", { ...at, part: textPart(completion.text) })
      : event("response.function_call_arguments.done", {
          ...at,
          name: completion.tool.name,
          arguments: completion.tool.arguments,
        });
  tail += event("response.output_item.done", { output_index: 0, item });
  tail += event("response.completed", {
    response: response(model, createdAt, "completed", [item], usage(completion)),
  });
  return { head, tokens, tail };
}
