/**
 * Answers chat requests of every dialect (Chat Completions, Messages, Responses): picks the scenario, renders
 * (with a cache of static bodies) and hands the body to the delivery writer.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { renderAnthropicError, renderAnthropicJson, renderAnthropicStream } from "./anthropic-dialect.ts";
import { deliverJson, deliverStream } from "./deliver.ts";
import { renderOpenAIError, renderOpenAIJson, renderOpenAIStream } from "./openai-dialect.ts";
import { renderResponsesJson, renderResponsesStream } from "./responses-dialect.ts";
import type { Completion, ParsedChatRequest, Scenario } from "./scenarios.ts";
import {
  completionFor,
  completionPieces,
  deliveryOf,
  ERROR_SCENARIOS,
  isStaticScenario,
  parseChatRequest,
  selectScenario,
} from "./scenarios.ts";
import type { StreamPlan } from "./wire.ts";
import { fillPlanPromptTokens, fillPromptTokens } from "./wire.ts";

/** The wire dialects the demo upstream speaks: OpenAI Chat Completions, Anthropic Messages, OpenAI Responses. */
export type Dialect = "openai" | "anthropic" | "responses";

/** What the chat responder needs to know about one request. */
export interface ChatRequest {
  dialect: Dialect;
  body: unknown;
  /** Length of the raw body; the reported prompt token count is about a quarter of it. */
  rawLength: number;
  headers: IncomingHttpHeaders;
  /** Token delay when the request has no `x-mock-token-delay-ms` header. */
  defaultDelayMs: number;
  /** Called just before the demo upstream itself destroys the connection. */
  onServerDrop: () => void;
}

/** Answers one chat request on `res`. */
export type ChatResponder = (res: ServerResponse, req: ChatRequest) => void;

const MALFORMED_EVENT: Record<Dialect, string> = {
  openai: "data: {not json\n\n",
  anthropic: "event: content_block_delta\ndata: {not json\n\n",
  responses: "event: response.output_text.delta\ndata: {not json\n\n",
};

/** Maximum number of cached rendered bodies (one per dialect, scenario, flags and model). */
const CACHE_LIMIT = 1000;

/** Writes an error body in the dialect's shape. */
export function sendDialectError(
  res: ServerResponse,
  dialect: Dialect,
  status: number,
  message: string,
): void {
  const type =
    status === 404 ? "not_found_error" : status === 429 ? "rate_limit_error" : "invalid_request_error";
  const body = errorBody(dialect, message, type);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function delayFrom(headers: IncomingHttpHeaders, fallback: number): number {
  const raw = headerValue(headers, "x-mock-token-delay-ms");
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

/** An error body in the dialect's shape (the Responses API uses OpenAI's). */
function errorBody(dialect: Dialect, message: string, type: string): string {
  return dialect === "anthropic" ? renderAnthropicError(message, type) : renderOpenAIError(message, type);
}

function render(dialect: Dialect, completion: Completion, parsed: ParsedChatRequest): string | StreamPlan {
  if (dialect === "responses") {
    return parsed.stream
      ? renderResponsesStream(completion, parsed.model)
      : renderResponsesJson(completion, parsed.model);
  }
  if (dialect === "openai") {
    return parsed.stream
      ? renderOpenAIStream(completion, { model: parsed.model, includeUsage: parsed.includeUsage })
      : renderOpenAIJson(completion, parsed.model);
  }
  return parsed.stream
    ? renderAnthropicStream(completion, parsed.model)
    : renderAnthropicJson(completion, parsed.model);
}

function sendScenarioError(
  res: ServerResponse,
  dialect: Dialect,
  scenario: keyof typeof ERROR_SCENARIOS,
): void {
  const { status, type, message } = ERROR_SCENARIOS[scenario];
  const body = errorBody(dialect, message, type);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...(status === 429 ? { "retry-after": "1" } : {}),
  });
  res.end(body);
}

/** A rendered body (JSON text or stream plan) and the completion's token count. */
interface RenderedCompletion {
  output: string | StreamPlan;
  tokens: number;
}

/** Creates a chat responder with its own cache of rendered static bodies. */
export function createChatResponder(): ChatResponder {
  const cache = new Map<string, RenderedCompletion>();

  const rendered = (
    req: ChatRequest,
    scenario: Scenario,
    parsed: ParsedChatRequest,
    toolHarmful: boolean,
  ): RenderedCompletion => {
    const build = (): RenderedCompletion => {
      const completion = completionFor(scenario, parsed, toolHarmful);
      return { output: render(req.dialect, completion, parsed), tokens: completionPieces(completion).length };
    };
    if (!isStaticScenario(scenario)) return build();
    const key = `${req.dialect}|${scenario}|${+parsed.stream}${+parsed.includeUsage}${+toolHarmful}|${parsed.model}`;
    let entry = cache.get(key);
    if (entry === undefined) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      entry = build();
      cache.set(key, entry);
    }
    return entry;
  };

  return function respondChat(res, req) {
    const parsed = parseChatRequest(req.body);
    const scenario = selectScenario(headerValue(req.headers, "x-mock-scenario"), parsed.model);
    if (scenario === undefined) {
      return sendDialectError(res, req.dialect, 400, "Unknown x-mock-scenario header value");
    }
    if (scenario === "error-500" || scenario === "error-429" || scenario === "error-400") {
      return sendScenarioError(res, req.dialect, scenario);
    }
    // Through a gateway the header does not pass, so the model name `mock-tool-call-harmful` selects it too.
    const toolHarmful =
      headerValue(req.headers, "x-mock-tool-harmful") === "1" || parsed.model === "mock-tool-call-harmful";
    const { output, tokens } = rendered(req, scenario, parsed, toolHarmful);
    const promptTokens = Math.max(1, Math.ceil(req.rawLength / 4));
    const common = {
      delivery: deliveryOf(scenario),
      delayMs: delayFrom(req.headers, req.defaultDelayMs),
      onServerDrop: req.onServerDrop,
    };
    if (typeof output === "string") {
      return deliverJson(res, 200, fillPromptTokens(output, promptTokens), { ...common, tokens });
    }
    deliverStream(res, fillPlanPromptTokens(output, promptTokens), {
      ...common,
      awkward: scenario === "awkward-chunks" || headerValue(req.headers, "x-mock-chunking") === "awkward",
      malformedEvent: MALFORMED_EVENT[req.dialect],
    });
  };
}
