/** Anthropic Messages dialect: request parsing, refusals, errors and the stream renderer. */
import { z } from "zod";
import type { Turn } from "../../classifiers/types.ts";
import type { ErrorCode } from "../errors.ts";
import { validate } from "../http/json-body.ts";
import type { SseEvent } from "../sse/event.ts";
import { formatSse } from "../sse/format.ts";
import { createBlockUnits } from "./anthropic-blocks.ts";
import { collectFields, collectText, textOf } from "./collect-text.ts";
import {
  buildConversation,
  estimateTokens,
  joinText,
  type DialectAdapter,
  type StreamRenderer,
  type StreamRendererOptions,
} from "./types.ts";

const blockSchema = z.looseObject({ type: z.string() });
const contentSchema = z.union([z.string(), z.array(blockSchema)]);

const requestSchema = z.looseObject({
  model: z.string().min(1, "model must not be empty"),
  max_tokens: z.number({ error: "max_tokens: Field required" }).int().positive(),
  messages: z
    .array(z.looseObject({ role: z.enum(["user", "assistant"]), content: contentSchema }))
    .min(1, "messages: at least one message is required"),
  system: z.union([z.string(), z.array(blockSchema)]).optional(),
  stream: z.boolean().optional(),
});

/** Request fields read as turns; every other field's text is request-level text (tools, ...). */
const TURN_FIELDS: ReadonlySet<string> = new Set(["messages", "system"]);

/**
 * The system prompt (string or blocks) first, then the text of every other request field: tool definitions
 * (names, descriptions, input schemas), MCP server tool lists, and fields this code does not know yet.
 */
function systemText(body: Record<string, unknown>): string {
  const out: string[] = [];
  collectText(body.system, out);
  collectFields(body, TURN_FIELDS, out);
  return joinText(out);
}

function errorType(code: ErrorCode, status: number): string {
  if (code === "body_too_large") return "request_too_large";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

function sse(type: string, body: unknown): string {
  return formatSse({ event: type, data: JSON.stringify(body) });
}

function messageStart(id: string, model: string, inputTokens: number): string {
  return sse("message_start", {
    type: "message_start",
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 0 },
    },
  });
}

/** The refusal's end; `outputTokens` estimates what the client received (Anthropic reports it cumulatively). */
function refusalTail(outputTokens: number): string {
  return (
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: "refusal", stop_sequence: null },
      usage: { output_tokens: outputTokens },
    }) + sse("message_stop", { type: "message_stop" })
  );
}

function createRenderer(opts: StreamRendererOptions): StreamRenderer {
  const open = new Set<number>();
  let started = false;
  const parsed = new WeakMap<SseEvent, { value: unknown }>();
  const valueOf = (ev: SseEvent): unknown => {
    let v = parsed.get(ev);
    if (v === undefined) {
      v = { value: JSON.parse(ev.data) };
      parsed.set(ev, v);
    }
    return v.value;
  };
  const indexOf = (ev: SseEvent): number => {
    const v = valueOf(ev);
    const index = typeof v === "object" && v !== null ? (v as { index?: unknown }).index : undefined;
    return typeof index === "number" ? index : 0;
  };
  const preamble = (): string =>
    started ? "" : messageStart(opts.fallbackId, opts.model, opts.inputTokens ?? 0);
  const units = createBlockUnits();
  let read = 0;
  // Text length of each event read and of what was rendered, for the refusal's output tokens.
  const textChars: number[] = [];
  let rendered = 0;
  let sentChars = 0;
  return {
    // Every event's text, not only deltas: a `content_block_start` can carry initial text (a text block's
    // `text`, a tool_use `input`, a thinking block's `thinking`), and a server may add fields.
    textOf: (e) => {
      const value = valueOf(e);
      const at = read++;
      units.read(e.event, value, at);
      const text = textOf(value, "");
      textChars[at] = text.length;
      return text;
    },
    isTerminal: (e) => e.event === "message_stop",
    openUnitFrom: () => units.unitFrom(),
    render(e) {
      sentChars += textChars[rendered++] ?? 0;
      if (e.event === "message_start") started = true;
      else if (e.event === "content_block_start") open.add(indexOf(e));
      else if (e.event === "content_block_stop") open.delete(indexOf(e));
      return formatSse(e);
    },
    renderBlockedEnd() {
      let out = preamble();
      for (const index of open) out += sse("content_block_stop", { type: "content_block_stop", index });
      open.clear();
      return out + refusalTail(estimateTokens(sentChars));
    },
    renderErrorEnd: (message) => sse("error", { type: "error", error: { type: "api_error", message } }),
  };
}

/** The Anthropic Messages adapter. */
export const anthropicDialect: DialectAdapter = {
  name: "anthropic",
  parseRequest(body) {
    const data = validate(requestSchema, body);
    const turns: Turn[] = data.messages.map((m) => {
      // A user message made only of tool results is tool output, not user text.
      const toolOnly =
        Array.isArray(m.content) && m.content.length > 0 && m.content.every((b) => b.type === "tool_result");
      return { role: m.role === "assistant" ? "assistant" : toolOnly ? "tool" : "user", text: textOf(m) };
    });
    return {
      model: data.model,
      stream: data.stream === true,
      conversation: buildConversation(systemText(data), turns),
    };
  },
  // Every string of the response outside ids and enums: text, tool_use input, thinking, citations, server tool
  // results - whatever the body's shape.
  completionText: (body) => textOf(body),
  refusalJson: ({ model, text, id, inputTokens = 0 }) => ({
    id,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: "refusal",
    stop_sequence: null,
    usage: { input_tokens: inputTokens, output_tokens: estimateTokens(text.length) },
  }),
  refusalSse: ({ model, text, id, inputTokens = 0 }) =>
    messageStart(id, model, inputTokens) +
    sse("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }) +
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text },
    }) +
    sse("content_block_stop", { type: "content_block_stop", index: 0 }) +
    refusalTail(estimateTokens(text.length)),
  errorBody: (code, status, message) => ({
    type: "error",
    error: { type: errorType(code, status), message },
  }),
  createStreamRenderer: createRenderer,
};
