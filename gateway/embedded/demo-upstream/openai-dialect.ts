/**
 * OpenAI Chat Completions renderers of the demo upstream: JSON bodies, SSE stream plans, errors, models.
 */
import type { Completion } from "./scenarios.ts";
import { completionPieces, SCENARIOS } from "./scenarios.ts";
import type { StreamPlan } from "./wire.ts";
import { PROMPT_TOKENS_SLOT, sseData, totalTokensSlot, unixSeconds } from "./wire.ts";

const COMPLETION_ID = "chatcmpl-mock0000000000000001";
const TOOL_CALL_ID = "call_mock0000000000000001";
function usage(completion: Completion): Record<string, unknown> {
  const completionTokens = completionPieces(completion).length;
  return {
    prompt_tokens: PROMPT_TOKENS_SLOT,
    completion_tokens: completionTokens,
    total_tokens: totalTokensSlot(completionTokens),
  };
}

/** A `chat.completion` JSON body (prompt and total token counts left as placeholders, see `wire.ts`). */
export function renderOpenAIJson(completion: Completion, model: string): string {
  const message =
    completion.kind === "text"
      ? { role: "assistant", content: completion.text, refusal: null }
      : {
          role: "assistant",
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: TOOL_CALL_ID,
              type: "function",
              function: { name: completion.tool.name, arguments: completion.tool.arguments },
            },
          ],
        };
  return JSON.stringify({
    id: COMPLETION_ID,
    object: "chat.completion",
    created: unixSeconds(),
    model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: completion.kind === "text" ? "stop" : "tool_calls",
      },
    ],
    usage: usage(completion),
  });
}

/** Options of {@link renderOpenAIStream}. */
export interface OpenAIStreamOptions {
  model: string;
  /** `stream_options.include_usage`: add a final chunk with `choices: []` and usage. */
  includeUsage: boolean;
}

/** A `chat.completion.chunk` SSE stream: role chunk, one chunk per token, finish chunk, usage, `[DONE]`. */
export function renderOpenAIStream(completion: Completion, opts: OpenAIStreamOptions): StreamPlan {
  const created = unixSeconds();
  const chunk = (delta: Record<string, unknown>, finishReason: string | null): string =>
    sseData({
      id: COMPLETION_ID,
      object: "chat.completion.chunk",
      created,
      model: opts.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(opts.includeUsage ? { usage: null } : {}),
    });
  let head: string;
  let tokens: string[];
  if (completion.kind === "text") {
    head = chunk({ role: "assistant", content: "", refusal: null }, null);
    tokens = completionPieces(completion).map((token) => chunk({ content: token }, null));
  } else {
    const start = {
      index: 0,
      id: TOOL_CALL_ID,
      type: "function",
      function: { name: completion.tool.name, arguments: "" },
    };
    head = chunk({ role: "assistant", content: null, tool_calls: [start] }, null);
    tokens = completionPieces(completion).map((piece) =>
      chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null),
    );
  }
  let tail = chunk({}, completion.kind === "text" ? "stop" : "tool_calls");
  if (opts.includeUsage) {
    tail += sseData({
      id: COMPLETION_ID,
      object: "chat.completion.chunk",
      created,
      model: opts.model,
      choices: [],
      usage: usage(completion),
    });
  }
  tail += "data: [DONE]\n\n";
  return { head, tokens, tail };
}

/** An OpenAI error body `{error:{message,type,code}}`. */
export function renderOpenAIError(message: string, type: string): string {
  return JSON.stringify({ error: { message, type, param: null, code: null } });
}

/** The model ids the demo upstream serves: `mock-model`, `demo-harmful` and `mock-<scenario>` for every scenario. */
export const DEMO_MODEL_IDS: readonly string[] = [
  "mock-model",
  "demo-harmful",
  ...SCENARIOS.map((scenario) => `mock-${scenario}`),
];

/** The `GET /v1/models` body in OpenAI's shape. */
export function renderOpenAIModels(): string {
  const created = unixSeconds();
  return JSON.stringify({
    object: "list",
    data: DEMO_MODEL_IDS.map((id) => ({ id, object: "model", created, owned_by: "portcullis-mock" })),
  });
}
