/** The dialect contract: each client wire format converts requests to one `Conversation` and renders replies. */
import { randomBytes } from "node:crypto";
import type { Turn } from "../../classifiers/types.ts";
import type { Dialect } from "../../config/schema.ts";
import type { ErrorCode } from "../errors.ts";
import type { SseEvent } from "../sse/event.ts";

/**
 * The internal, dialect-free view of a request that the stages screen. Between them, `system` and `turns` hold
 * every piece of text the client sent (see `collect-text.ts`); what is not here is not screened.
 */
export interface Conversation {
  /**
   * Request-level text, empty when none: system / developer prompts, then tool and function definitions and
   * every other field outside the messages. The prompt stage screens it in its own right and as the prompt's
   * context.
   */
  readonly system: string;
  /** Every turn in order, the system text first when present. */
  readonly turns: readonly Turn[];
  /**
   * The newest client input: the turns after the last assistant turn (user turns and tool results), or - when
   * the request ends with an assistant turn (a prefill the model continues) - after the one before, prefill
   * included.
   */
  readonly prompt: string;
}

export interface ParsedRequest {
  readonly model: string;
  readonly stream: boolean;
  readonly conversation: Conversation;
  /** The client asked for usage in a stream (OpenAI `stream_options.include_usage`). */
  readonly includeUsage?: boolean;
}

export interface RefusalOptions {
  readonly model: string;
  readonly text: string;
  readonly id: string;
  /**
   * The request's estimated input tokens (`estimateInputTokens`), for dialects that report usage in a refusal: an
   * ordinary response never reports zero input.
   */
  readonly inputTokens?: number;
  /** Send a usage chunk in a streamed refusal (OpenAI `stream_options.include_usage`). */
  readonly includeUsage?: boolean;
}

/** Options of `createStreamRenderer`. */
export interface StreamRendererOptions {
  readonly model: string;
  readonly fallbackId: string;
  /** The request's estimated input tokens, for the usage a dialect reports when the gateway ends the stream. */
  readonly inputTokens?: number;
  /** The client asked for a usage chunk (OpenAI `stream_options.include_usage`). */
  readonly includeUsage?: boolean;
}

/**
 * A rough token count for usage figures: four characters per token, at least one for any text. Refusals and
 * streams the gateway ends report it (an ordinary response never reports zero usage), so cost tracking does not
 * undercount; the upstream's own figures are used where it sent them.
 */
export function estimateTokens(chars: number): number {
  return chars > 0 ? Math.ceil(chars / 4) : 0;
}

/** A rough input token count of a conversation (`estimateTokens` of its text). */
export function estimateInputTokens(conversation: Conversation): number {
  let chars = 0;
  for (const t of conversation.turns) chars += t.text.length;
  return estimateTokens(chars);
}

/** Per-stream state on the client side: tracks what was released so a stop can close it properly. */
export interface StreamRenderer {
  /**
   * Text in this event that the completion stage must screen: every string outside ids and enums (content, tool
   * calls and arguments, reasoning / thinking, text in block starts, fields a server adds). The guard calls it once
   * for every event, before `render`; throws on a malformed event.
   */
  textOf(event: SseEvent): string;
  /** True for the event that ends a well-formed stream. */
  isTerminal(event: SseEvent): boolean;
  /**
   * Where the oldest *unit* still incomplete begins: a unit is a run of events a client must receive whole or not
   * at all, because it acts on the whole or sends it back verbatim (the tool calls of a turn, a thinking block and
   * its signature). Returns the position of the unit's first event, counting the events `textOf` has read from 0,
   * or -1 when every unit read so far is complete. Read by the guard after each `textOf`: it holds that event and
   * every later one until the unit completes and is screened, and drops them all on a block. A unit that opens
   * while another is incomplete joins it (returns the older start), so units never overlap; the terminal event
   * completes every unit. Optional: without it, every event is released piecewise.
   */
  openUnitFrom?(): number;
  /** Serialises an event for the client, noting state (ids, open blocks). */
  render(event: SseEvent): string;
  /**
   * The tail that ends the stream as a refusal after a block. It closes only what was rendered (an event held
   * back and dropped was never seen by the client), and must leave no choice / block the client cannot finish.
   */
  renderBlockedEnd(): string;
  /** The tail that ends the stream with an error in the dialect (broken upstream). */
  renderErrorEnd(message: string): string;
}

export interface DialectAdapter {
  readonly name: Dialect;
  /** Validates the body and builds the conversation; throws `GatewayError("invalid_request")`. */
  parseRequest(body: unknown): ParsedRequest;
  /**
   * Text of a JSON (non-stream) upstream response that the completion stage screens: every string outside ids
   * and enums.
   */
  completionText(body: unknown): string;
  refusalJson(opts: RefusalOptions): unknown;
  /** A whole SSE stream that is an ordinary refusal (a prompt blocked before forwarding a stream request). */
  refusalSse(opts: RefusalOptions): string;
  errorBody(code: ErrorCode, status: number, message: string): unknown;
  createStreamRenderer(opts: StreamRendererOptions): StreamRenderer;
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

/** Builds a `Conversation` from request-level text and ordered turns. */
export function buildConversation(system: string, turns: readonly Turn[]): Conversation {
  const all: Turn[] = system.length > 0 ? [{ role: "system", text: system }, ...turns] : [...turns];
  // The last turn itself is left out of the search, so a trailing assistant prefill belongs to the prompt.
  let lastAssistant = -1;
  for (let i = turns.length - 2; i >= 0; i--) {
    if (turns[i]?.role === "assistant") {
      lastAssistant = i;
      break;
    }
  }
  const prompt = joinText(
    turns
      .slice(lastAssistant + 1)
      .filter((t) => t.role !== "system")
      .map((t) => t.text),
  );
  return { system, turns: all, prompt };
}
