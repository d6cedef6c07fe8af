/**
 * Anthropic Messages renderers of the demo upstream: JSON bodies, SSE stream plans, errors.
 */
import type { Completion } from "./scenarios.ts";
import { completionPieces } from "./scenarios.ts";
import type { StreamPlan } from "./wire.ts";
import { PROMPT_TOKENS_SLOT, sseEvent } from "./wire.ts";

const MESSAGE_ID = "msg_mock0000000000000001";
const TOOL_USE_ID = "toolu_mock0000000000000001";

function stopReason(completion: Completion): string {
  return completion.kind === "text" ? "end_turn" : "tool_use";
}

function contentBlock(completion: Completion): Record<string, unknown> {
  if (completion.kind === "text") return { type: "text", text: completion.text };
  return {
    type: "tool_use",
    id: TOOL_USE_ID,
    name: completion.tool.name,
    input: JSON.parse(completion.tool.arguments) as unknown,
  };
}

/** A `message` JSON body (input token count left as a placeholder, see `wire.ts`). */
export function renderAnthropicJson(completion: Completion, model: string): string {
  return JSON.stringify({
    id: MESSAGE_ID,
    type: "message",
    role: "assistant",
    model,
    content: [contentBlock(completion)],
    stop_reason: stopReason(completion),
    stop_sequence: null,
    usage: { input_tokens: PROMPT_TOKENS_SLOT, output_tokens: completionPieces(completion).length },
  });
}

function startBlock(completion: Completion): Record<string, unknown> {
  if (completion.kind === "text") return { type: "text", text: "" };
  return { type: "tool_use", id: TOOL_USE_ID, name: completion.tool.name, input: {} };
}

function deltas(completion: Completion): Array<Record<string, unknown>> {
  const pieces = completionPieces(completion);
  if (completion.kind === "text") return pieces.map((text) => ({ type: "text_delta", text }));
  return pieces.map((partial) => ({ type: "input_json_delta", partial_json: partial }));
}

/**
 * A Messages SSE stream: `message_start`, `content_block_start`, `ping`, one `content_block_delta` per token,
 * `content_block_stop`, `message_delta`, `message_stop`.
 */
export function renderAnthropicStream(completion: Completion, model: string): StreamPlan {
  const message = {
    id: MESSAGE_ID,
    type: "message",
    role: "assistant",
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: PROMPT_TOKENS_SLOT, output_tokens: 1 },
  };
  const head =
    sseEvent("message_start", { type: "message_start", message }) +
    sseEvent("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: startBlock(completion),
    }) +
    sseEvent("ping", { type: "ping" });
  const tokens = deltas(completion).map((delta) =>
    sseEvent("content_block_delta", { type: "content_block_delta", index: 0, delta }),
  );
  const tail =
    sseEvent("content_block_stop", { type: "content_block_stop", index: 0 }) +
    sseEvent("message_delta", {
      type: "message_delta",
      delta: { stop_reason: stopReason(completion), stop_sequence: null },
      usage: { output_tokens: completionPieces(completion).length },
    }) +
    sseEvent("message_stop", { type: "message_stop" });
  return { head, tokens, tail };
}

/** An Anthropic error body `{type:"error",error:{type,message}}`. */
export function renderAnthropicError(message: string, type: string): string {
  const anthropicType = type === "server_error" ? "api_error" : type;
  return JSON.stringify({ type: "error", error: { type: anthropicType, message } });
}

/** The `GET /v1/models` body in Anthropic's shape (one page holding every id). */
export function renderAnthropicModels(ids: readonly string[]): string {
  const data = ids.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-01-01T00:00:00Z" }));
  return JSON.stringify({ data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null });
}
