/** OpenAI Chat Completions dialect: request parsing, refusals, errors and the stream renderer. */
import { z } from "zod";
import type { Turn } from "../../classifiers/types.ts";
import { validate } from "../http/json-body.ts";
import { formatSse } from "../sse/format.ts";
import {
  buildConversation,
  estimateTokens,
  joinText,
  type DialectAdapter,
  type RefusalOptions,
  type StreamRenderer,
  type StreamRendererOptions,
} from "./types.ts";
import { collectFields, collectText, textOf } from "./collect-text.ts";
import { chunkText, createChoiceTracker, updateChunkMeta, type ChunkMeta } from "./openai-chunk.ts";

const textPart = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  refusal: z.string().optional(),
});
const content = z.union([z.string(), z.array(textPart), z.null()]).optional();
const toolCall = z.looseObject({
  function: z.looseObject({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});

const messageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content,
  name: z.string().optional(),
  tool_calls: z.array(toolCall).optional(),
});

const requestSchema = z.looseObject({
  model: z.string().min(1, "model must not be empty"),
  messages: z.array(messageSchema).min(1, "messages must contain at least one message"),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});

type Message = z.infer<typeof messageSchema>;

function roleOf(m: Message): Turn["role"] {
  switch (m.role) {
    case "system":
    case "developer":
      return "system";
    case "user":
      return "user";
    case "assistant":
      return "assistant";
    case "tool":
    case "function":
      return "tool";
  }
}

/** Request fields read as turns; every other field's text is request-level text (tools, legacy functions, ...). */
const TURN_FIELDS: ReadonlySet<string> = new Set(["messages"]);

/**
 * System / developer messages first, then the text of every other request field: tool and legacy function
 * definitions (names, descriptions, parameter schemas), `response_format` schemas, `prediction`, and fields this
 * code does not know yet.
 */
function systemText(body: Record<string, unknown>, messages: readonly Message[]): string {
  const out: string[] = [];
  for (const m of messages) if (roleOf(m) === "system") collectText(m, out);
  collectFields(body, TURN_FIELDS, out);
  return joinText(out);
}

function errorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** The usage object of Chat Completions. */
function usage(promptTokens: number, completionTokens: number): Record<string, number> {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/**
 * The final chunk of a stream whose client asked for usage (`stream_options.include_usage`): no choices, the
 * usage. A stream the gateway ends never gets the upstream's, so it sends its own estimate.
 */
function usageSse(m: ChunkMeta, promptTokens: number, completionTokens: number): string {
  const body = {
    ...m,
    object: "chat.completion.chunk",
    choices: [],
    usage: usage(promptTokens, completionTokens),
  };
  return formatSse({ data: JSON.stringify(body) });
}

function createRenderer(opts: StreamRendererOptions): StreamRenderer {
  const meta: ChunkMeta = { id: opts.fallbackId, created: Math.floor(Date.now() / 1000), model: opts.model };
  const frame = (choices: unknown[]): string =>
    formatSse({
      data: JSON.stringify({
        id: meta.id,
        object: "chat.completion.chunk",
        created: meta.created,
        model: meta.model,
        choices,
      }),
    });
  const choices = createChoiceTracker();
  let read = 0;
  let rendered = 0;
  // Text length of each event read, so a refusal can report the completion tokens the client received.
  const textChars: number[] = [];
  let sentChars = 0;
  const usageChunk = (): string =>
    opts.includeUsage === true ? usageSse(meta, opts.inputTokens ?? 0, estimateTokens(sentChars)) : "";
  return {
    // Each event is parsed once, here: the guard asks every event for its text before it renders it, so the
    // stream's id/created/model (for a refusal frame of our own) and its choices are taken as they are read.
    textOf(ev) {
      const at = read++;
      if (ev.data === "[DONE]") {
        choices.done();
        return "";
      }
      const chunk: unknown = JSON.parse(ev.data);
      updateChunkMeta(meta, chunk);
      choices.read(chunk, at);
      const text = chunkText(chunk);
      textChars[at] = text.length;
      return text;
    },
    isTerminal: (ev) => ev.data === "[DONE]",
    openUnitFrom: () => choices.unitFrom(),
    // Events are rendered in the order they were read, so the first `rendered` events are what the client has.
    render(ev) {
      sentChars += textChars[rendered++] ?? 0;
      return formatSse(ev);
    },
    renderBlockedEnd: () => frame(choices.blockedChoices(rendered)) + usageChunk() + "data: [DONE]\n\n",
    renderErrorEnd: (message) =>
      formatSse({
        data: JSON.stringify({ error: { message, type: "server_error", param: null, code: null } }),
      }),
  };
}

/** The OpenAI Chat Completions adapter. */
export const openaiDialect: DialectAdapter = {
  name: "openai",
  parseRequest(body) {
    const data = validate(requestSchema, body);
    const turns: Turn[] = [];
    for (const m of data.messages) {
      const role = roleOf(m);
      if (role !== "system") turns.push({ role, text: textOf(m) });
    }
    return {
      model: data.model,
      stream: data.stream === true,
      conversation: buildConversation(systemText(data, data.messages), turns),
      includeUsage: data.stream_options?.include_usage === true,
    };
  },
  // Every string of the response outside ids and enums: content, refusal, tool calls, legacy `function_call`,
  // `reasoning_content` / `reasoning`, audio transcripts, annotations - whatever the body's shape.
  completionText: (body) => textOf(body),
  refusalJson: ({ model, text, id, inputTokens = 0 }: RefusalOptions) => ({
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text, refusal: null },
        logprobs: null,
        finish_reason: "content_filter",
      },
    ],
    usage: usage(inputTokens, estimateTokens(text.length)),
  }),
  refusalSse({ model, text, id, inputTokens = 0, includeUsage = false }) {
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: unknown, finish: string | null): string =>
      formatSse({
        data: JSON.stringify({
          id,
          object: "chat.completion.chunk",
          created,
          model,
          choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        }),
      });
    const usageChunk = includeUsage
      ? usageSse({ id, created, model }, inputTokens, estimateTokens(text.length))
      : "";
    return (
      chunk({ role: "assistant", content: "" }, null) +
      chunk({ content: text }, null) +
      chunk({}, "content_filter") +
      usageChunk +
      "data: [DONE]\n\n"
    );
  },
  errorBody: (code, status, message) => ({
    error: { message, type: errorType(status), param: null, code },
  }),
  createStreamRenderer: createRenderer,
};
