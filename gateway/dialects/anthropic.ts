/** Anthropic Messages dialect: request parsing, refusals, errors and the stream renderer. */
import { z } from "zod";
import type { Turn } from "../../classifiers/types.ts";
import { GatewayError, type ErrorCode } from "../errors.ts";
import { formatSse, type SseEvent } from "../stream/sse-parser.ts";
import { buildConversation, joinText, type DialectAdapter, type StreamRenderer } from "./types.ts";
import { zodMessage } from "./zod-message.ts";

const blockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  content: z.unknown().optional(),
  thinking: z.string().optional(),
});
type Block = z.infer<typeof blockSchema>;
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

function blockText(b: Block): string {
  switch (b.type) {
    case "text":
      return b.text ?? "";
    case "thinking":
      return b.thinking ?? "";
    case "tool_use":
      return `${b.name ?? ""}(${JSON.stringify(b.input ?? {})})`;
    case "tool_result":
      return contentText(b.content);
    default:
      return "";
  }
}

function contentText(c: unknown): string {
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return "";
  const parsed = z.array(blockSchema).safeParse(c);
  return parsed.success ? joinText(parsed.data.map(blockText)) : "";
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

function messageStart(id: string, model: string): string {
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
      usage: { input_tokens: 0, output_tokens: 0 },
    },
  });
}

function refusalTail(): string {
  return (
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: "refusal", stop_sequence: null },
      usage: { output_tokens: 0 },
    }) + sse("message_stop", { type: "message_stop" })
  );
}

interface StreamEventShape {
  type?: string;
  index?: number;
  message?: { id?: string; model?: string };
  delta?: { type?: string; text?: string; partial_json?: string; thinking?: string };
}

function createRenderer(opts: { model: string; fallbackId: string }): StreamRenderer {
  const open = new Set<number>();
  let started = false;
  const parsed = new WeakMap<SseEvent, StreamEventShape>();
  const shape = (ev: SseEvent): StreamEventShape => {
    let v = parsed.get(ev);
    if (v === undefined) {
      const raw: unknown = JSON.parse(ev.data);
      v = typeof raw === "object" && raw !== null ? raw : {};
      parsed.set(ev, v);
    }
    return v;
  };
  const preamble = (): string => (started ? "" : messageStart(opts.fallbackId, opts.model));
  return {
    textOf(e) {
      if (e.event !== "content_block_delta") return "";
      const d = shape(e).delta;
      return d?.text ?? d?.partial_json ?? d?.thinking ?? "";
    },
    isTerminal: (e) => e.event === "message_stop",
    render(e) {
      if (e.event === "message_start") started = true;
      else if (e.event === "content_block_start") open.add(shape(e).index ?? 0);
      else if (e.event === "content_block_stop") open.delete(shape(e).index ?? 0);
      return formatSse(e);
    },
    renderBlockedEnd() {
      let out = preamble();
      for (const index of open) out += sse("content_block_stop", { type: "content_block_stop", index });
      open.clear();
      return out + refusalTail();
    },
    renderErrorEnd: (message) => sse("error", { type: "error", error: { type: "api_error", message } }),
  };
}

/** The Anthropic Messages adapter. */
export const anthropicDialect: DialectAdapter = {
  name: "anthropic",
  parseRequest(body) {
    const r = requestSchema.safeParse(body);
    if (!r.success) throw new GatewayError("invalid_request", zodMessage(r.error));
    const system = typeof r.data.system === "string" ? r.data.system : contentText(r.data.system ?? []);
    const turns: Turn[] = r.data.messages.map((m) => {
      // A user message made only of tool results is tool output, not user text.
      const toolOnly =
        Array.isArray(m.content) && m.content.length > 0 && m.content.every((b) => b.type === "tool_result");
      return {
        role: m.role === "assistant" ? "assistant" : toolOnly ? "tool" : "user",
        text: contentText(m.content),
      };
    });
    return {
      model: r.data.model,
      stream: r.data.stream === true,
      conversation: buildConversation(system, turns),
    };
  },
  completionText(body) {
    if (typeof body !== "object" || body === null) return "";
    return contentText((body as { content?: unknown }).content);
  },
  refusalJson: ({ model, text, id }) => ({
    id,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: "refusal",
    stop_sequence: null,
    usage: { input_tokens: 0, output_tokens: 0 },
  }),
  refusalSse: ({ model, text, id }) =>
    messageStart(id, model) +
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
    refusalTail(),
  errorBody: (code, status, message) => ({
    type: "error",
    error: { type: errorType(code, status), message },
  }),
  createStreamRenderer: createRenderer,
};
