/** The dialect contract: each client wire format converts requests to one `Conversation` and renders replies. */
import { randomBytes } from "node:crypto";
import type { Turn } from "../../classifiers/types.ts";
import type { Dialect } from "../config/schema.ts";
import type { ErrorCode } from "../errors.ts";
import type { SseEvent } from "../stream/sse-parser.ts";

/** The internal, dialect-free view of a request that the stages screen. */
export interface Conversation {
  /** System prompt (and tool definitions), empty when none. */
  readonly system: string;
  /** Every turn in order, the system prompt first when present. */
  readonly turns: readonly Turn[];
  /** The newest user input: the text after the last assistant turn (user turns and tool results). */
  readonly prompt: string;
}

export interface ParsedRequest {
  readonly model: string;
  readonly stream: boolean;
  readonly conversation: Conversation;
}

export interface RefusalOptions {
  readonly model: string;
  readonly text: string;
  readonly id: string;
}

/** Per-stream state on the client side: tracks what was released so a stop can close it properly. */
export interface StreamRenderer {
  /**
   * Text in this event that the completion stage must screen (content, tool arguments, thinking). The guard calls
   * it once for every event, before `render`; throws on a malformed event.
   */
  textOf(event: SseEvent): string;
  /** True for the event that ends a well-formed stream. */
  isTerminal(event: SseEvent): boolean;
  /** Serialises an event for the client, noting state (ids, open blocks). */
  render(event: SseEvent): string;
  /** The tail that ends the stream as a refusal after a block. */
  renderBlockedEnd(): string;
  /** The tail that ends the stream with an error in the dialect (broken upstream). */
  renderErrorEnd(message: string): string;
}

export interface DialectAdapter {
  readonly name: Dialect;
  /** Validates the body and builds the conversation; throws `GatewayError("invalid_request")`. */
  parseRequest(body: unknown): ParsedRequest;
  /** Text of a JSON (non-stream) upstream response that the completion stage screens. */
  completionText(body: unknown): string;
  refusalJson(opts: RefusalOptions): unknown;
  /** A whole SSE stream that is an ordinary refusal (a prompt blocked before forwarding a stream request). */
  refusalSse(opts: RefusalOptions): string;
  errorBody(code: ErrorCode, status: number, message: string): unknown;
  createStreamRenderer(opts: { model: string; fallbackId: string }): StreamRenderer;
}

/**
 * An ordinary-looking response id for a refusal (`chatcmpl-…` / `msg_…`): it must not reveal that the gateway,
 * rather than the model, answered.
 */
export function refusalId(dialect: DialectAdapter["name"]): string {
  const hex = randomBytes(12).toString("hex");
  return dialect === "openai" ? `chatcmpl-${hex}` : `msg_${hex}`;
}

/** Joins text parts, skipping empties. */
export function joinText(parts: readonly string[]): string {
  return parts.filter((p) => p.length > 0).join("\n");
}

/** Builds a `Conversation` from system text and ordered turns. */
export function buildConversation(system: string, turns: readonly Turn[]): Conversation {
  const all: Turn[] = system.length > 0 ? [{ role: "system", text: system }, ...turns] : [...turns];
  let lastAssistant = -1;
  turns.forEach((t, i) => {
    if (t.role === "assistant") lastAssistant = i;
  });
  const prompt = joinText(
    turns
      .slice(lastAssistant + 1)
      .filter((t) => t.role !== "system")
      .map((t) => t.text),
  );
  return { system, turns: all, prompt };
}
