/**
 * Building blocks of the Responses API wire format that the gateway writes itself: Response objects, output items,
 * numbered SSE events, and the whole refusal (a response whose status is `incomplete` with reason
 * `content_filter`, as OpenAI reports a content filter).
 */
import { randomBytes } from "node:crypto";
import { formatSse } from "../sse/format.ts";
import { estimateTokens, type RefusalOptions } from "./types.ts";

type Obj = Record<string, unknown>;

/** An id in OpenAI's style for Responses objects (`resp_…`, `msg_…`): nothing marks it as the gateway's. */
export function responsesId(prefix: "resp" | "msg"): string {
  return `${prefix}_${randomBytes(24).toString("hex")}`;
}

/** Token usage in the Responses shape. */
export function usageOf(inputTokens: number, outputTokens: number): Obj {
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
}

/** A Response object in progress with the settings a plain request gets, as `response.created` carries it. */
export function freshResponse(o: { id: string; model: string }): Obj {
  return {
    id: o.id,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "in_progress",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: o.model,
    output: [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: null,
    user: null,
    metadata: {},
  };
}

/** `response` ended by a content filter: status `incomplete`, reason `content_filter`, with its final output. */
export function filteredResponse(response: Obj, output: readonly unknown[], usage: Obj): Obj {
  return {
    ...response,
    status: "incomplete",
    incomplete_details: { reason: "content_filter" },
    output,
    usage,
  };
}

/** An assistant message output item holding one `output_text` part. */
export function textMessage(id: string, text: string, status: "in_progress" | "completed"): Obj {
  const content = status === "in_progress" ? [] : [textPart(text)];
  return { id, type: "message", status, role: "assistant", content };
}

/** An `output_text` content part. */
export function textPart(text: string): Obj {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

/** Writes numbered events: each gets the next `sequence_number`, starting at `first`. */
export interface EventWriter {
  /** One SSE event with the `event:` line OpenAI sends, its `type` and `sequence_number` filled in. */
  event(type: string, body: Obj): string;
  /** The number the next event will get. */
  readonly next: number;
}

/** An event writer numbering from `first`. */
export function createEventWriter(first = 0): EventWriter {
  let seq = first;
  return {
    event(type, body) {
      const data = JSON.stringify({ type, ...body, sequence_number: seq++ });
      return formatSse({ event: type, data });
    },
    get next() {
      return seq;
    },
  };
}

/** What a refusal needs: the response id (`resp_…`) and the id of its message item. */
export type ResponsesRefusal = RefusalOptions & { readonly messageId: string };

function refusalParts(opts: ResponsesRefusal): { response: Obj; message: Obj; final: Obj } {
  const response = freshResponse(opts);
  const message = textMessage(opts.messageId, opts.text, "completed");
  const usage = usageOf(opts.inputTokens ?? 0, estimateTokens(opts.text.length));
  return { response, message, final: filteredResponse(response, [message], usage) };
}

/** The refusal as a whole Response object (a prompt or a JSON completion blocked). */
export function refusalResponse(opts: ResponsesRefusal): Obj {
  return refusalParts(opts).final;
}

/**
 * The refusal as a whole event stream, in the order OpenAI streams a response: created, in progress, the message
 * item and its text part opened, the text, both closed, then `response.incomplete` with reason `content_filter`.
 */
export function refusalEvents(opts: ResponsesRefusal): string {
  const w = createEventWriter();
  const { response, message, final } = refusalParts(opts);
  const at = { item_id: opts.messageId, output_index: 0, content_index: 0 };
  return (
    w.event("response.created", { response }) +
    w.event("response.in_progress", { response }) +
    w.event("response.output_item.added", {
      output_index: 0,
      item: textMessage(opts.messageId, "", "in_progress"),
    }) +
    w.event("response.content_part.added", { ...at, part: textPart("") }) +
    w.event("response.output_text.delta", { ...at, delta: opts.text, logprobs: [] }) +
    w.event("response.output_text.done", { ...at, text: opts.text, logprobs: [] }) +
    w.event("response.content_part.done", { ...at, part: textPart(opts.text) }) +
    w.event("response.output_item.done", { output_index: 0, item: message }) +
    w.event("response.incomplete", { response: final })
  );
}
