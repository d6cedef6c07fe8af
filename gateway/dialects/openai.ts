/** OpenAI Chat Completions dialect: request parsing, refusals, errors and the stream renderer. */
import { z } from "zod";
import type { Turn } from "../../classifiers/types.ts";
import { GatewayError, type ErrorCode } from "../errors.ts";
import { formatSse } from "../stream/sse-parser.ts";
import {
  buildConversation,
  joinText,
  type DialectAdapter,
  type RefusalOptions,
  type StreamRenderer,
} from "./types.ts";
import { readChunk } from "./openai-chunk.ts";
import { zodMessage } from "./zod-message.ts";

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

function contentText(c: z.infer<typeof content>): string {
  if (c === undefined || c === null) return "";
  if (typeof c === "string") return c;
  return joinText(c.map((p) => p.text ?? p.refusal ?? ""));
}

function toTurn(m: z.infer<typeof messageSchema>): Turn {
  const calls = (m.tool_calls ?? []).map((t) => `${t.function?.name ?? ""}(${t.function?.arguments ?? ""})`);
  const text = joinText([contentText(m.content), ...calls]);
  switch (m.role) {
    case "system":
    case "developer":
      return { role: "system", text };
    case "user":
      return { role: "user", text };
    case "assistant":
      return { role: "assistant", text };
    case "tool":
    case "function":
      return { role: "tool", text };
  }
}

const choiceSchema = z.looseObject({
  message: z
    .looseObject({
      content: z.string().nullish(),
      refusal: z.string().nullish(),
      tool_calls: z.array(toolCall).optional(),
    })
    .optional(),
});
const responseSchema = z.looseObject({ choices: z.array(choiceSchema).default([]) });

function errorType(code: ErrorCode, status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return code === "body_too_large" ? "invalid_request_error" : "invalid_request_error";
}

function createRenderer(opts: { model: string; fallbackId: string }): StreamRenderer {
  let id = opts.fallbackId;
  let created = Math.floor(Date.now() / 1000);
  let model = opts.model;
  const frame = (choices: unknown[]): string =>
    formatSse({ data: JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices }) });
  return {
    // Each event is parsed once, here: the guard asks every event for its text before it renders it, so the
    // stream's id/created/model (for a refusal frame of our own) are taken from the chunks as they are read.
    textOf(ev) {
      if (ev.data === "[DONE]") return "";
      const chunk = readChunk(JSON.parse(ev.data));
      if (!chunk) return "";
      if (chunk.id) id = chunk.id;
      if (chunk.created) created = chunk.created;
      if (chunk.model) model = chunk.model;
      if (!chunk.choices) return "";
      let text = "";
      for (const c of chunk.choices) {
        const d = c.delta;
        if (!d) continue;
        if (d.content) text += d.content;
        if (d.refusal) text += d.refusal;
        for (const t of d.tool_calls ?? []) text += t.function?.arguments ?? "";
      }
      return text;
    },
    isTerminal: (ev) => ev.data === "[DONE]",
    render: (ev) => formatSse(ev),
    renderBlockedEnd: () =>
      frame([{ index: 0, delta: {}, logprobs: null, finish_reason: "content_filter" }]) + "data: [DONE]\n\n",
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
    const r = requestSchema.safeParse(body);
    if (!r.success) throw new GatewayError("invalid_request", zodMessage(r.error));
    const system = joinText(
      r.data.messages
        .filter((m) => m.role === "system" || m.role === "developer")
        .map((m) => contentText(m.content)),
    );
    const turns = r.data.messages.filter((m) => m.role !== "system" && m.role !== "developer").map(toTurn);
    return {
      model: r.data.model,
      stream: r.data.stream === true,
      conversation: buildConversation(system, turns),
    };
  },
  completionText(body) {
    const r = responseSchema.safeParse(body);
    if (!r.success) return "";
    return joinText(
      r.data.choices.flatMap((c) => [
        c.message?.content ?? "",
        c.message?.refusal ?? "",
        ...(c.message?.tool_calls ?? []).map((t) => t.function?.arguments ?? ""),
      ]),
    );
  },
  refusalJson: ({ model, text, id }: RefusalOptions) => ({
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
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  }),
  refusalSse({ model, text, id }) {
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
    return (
      chunk({ role: "assistant", content: "" }, null) +
      chunk({ content: text }, null) +
      chunk({}, "content_filter") +
      "data: [DONE]\n\n"
    );
  },
  errorBody: (code, status, message) => ({
    error: { message, type: errorType(code, status), param: null, code },
  }),
  createStreamRenderer: createRenderer,
};
