/**
 * Scenario selection and request parsing of the demo upstream (dialect independent).
 */
import {
  BENIGN_COMPLETION,
  BENIGN_TOOL_CALL,
  HARMFUL_COMPLETION,
  HARMFUL_TOOL_CALL,
  judgeVerdict,
  splitEvery,
  tokenize,
} from "./text.ts";
import type { ToolCallText } from "./text.ts";

/** Every scenario the mock understands (header `x-mock-scenario` or model `mock-<scenario>`). */
export const SCENARIOS = [
  "benign",
  "harmful",
  "tool-call",
  "error-500",
  "error-429",
  "error-400",
  "hang",
  "stall-stream",
  "malformed-sse",
  "drop",
  "judge",
  "awkward-chunks",
  "echo",
] as const;

/** A scenario name. */
export type Scenario = (typeof SCENARIOS)[number];

/** Error scenarios: HTTP status and the error type shared by both dialects. */
export const ERROR_SCENARIOS = {
  "error-500": { status: 500, type: "server_error", message: "Demo upstream internal error" },
  "error-429": { status: 429, type: "rate_limit_error", message: "Demo upstream rate limit reached" },
  "error-400": { status: 400, type: "invalid_request_error", message: "Demo upstream rejected the request" },
} as const;

/** How a response body is delivered: completely, or one of the failure modes. */
export type Delivery = "complete" | "hang" | "stall" | "drop" | "malformed";

/** What the "model" answers: text, or one tool call. */
export type Completion = { kind: "text"; text: string } | { kind: "tool"; tool: ToolCallText };

/** The fields of a chat request (either dialect) that the demo upstream looks at. */
export interface ParsedChatRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  lastUserText: string;
}

const SCENARIO_SET: ReadonlySet<string> = new Set(SCENARIOS);

/** Whether a string names a scenario. */
export function isScenario(name: string): name is Scenario {
  return SCENARIO_SET.has(name);
}

/**
 * Picks the scenario: the header wins; else model `demo-harmful` -> harmful, `mock-<scenario>` -> that scenario,
 * anything else -> benign.
 * @returns the scenario, or `undefined` when the header names an unknown scenario.
 */
export function selectScenario(header: string | undefined, model: string): Scenario | undefined {
  if (header !== undefined && header !== "") return isScenario(header) ? header : undefined;
  if (model === "demo-harmful") return "harmful";
  if (model === "mock-tool-call-harmful") return "tool-call";
  if (model.startsWith("mock-")) {
    const name = model.slice(5);
    if (isScenario(name)) return name;
  }
  return "benign";
}

const FAILURE_DELIVERY: Partial<Record<Scenario, Delivery>> = {
  hang: "hang",
  "stall-stream": "stall",
  drop: "drop",
  "malformed-sse": "malformed",
};

/** The delivery mode of a scenario. */
export function deliveryOf(scenario: Scenario): Delivery {
  return FAILURE_DELIVERY[scenario] ?? "complete";
}

/** Whether the completion of a scenario depends only on the scenario (so rendered bodies can be cached). */
export function isStaticScenario(scenario: Scenario): boolean {
  return scenario !== "echo" && scenario !== "judge";
}

/** The completion a (non-error) scenario answers with. */
export function completionFor(scenario: Scenario, req: ParsedChatRequest, toolHarmful: boolean): Completion {
  if (scenario === "harmful") return { kind: "text", text: HARMFUL_COMPLETION };
  if (scenario === "tool-call")
    return { kind: "tool", tool: toolHarmful ? HARMFUL_TOOL_CALL : BENIGN_TOOL_CALL };
  if (scenario === "judge") return { kind: "text", text: judgeVerdict(req.lastUserText) };
  if (scenario === "echo") return { kind: "text", text: req.lastUserText };
  return { kind: "text", text: BENIGN_COMPLETION };
}

/** Characters of tool-call arguments per streamed delta. */
const ARGUMENT_PIECE = 12;

/**
 * The streamed pieces of a completion: one token (word + following whitespace) per piece for text, or
 * {@link ARGUMENT_PIECE}-character slices of the JSON arguments for a tool call. Their count is the
 * reported output token count.
 */
export function completionPieces(completion: Completion): string[] {
  return completion.kind === "text"
    ? tokenize(completion.text)
    : splitEvery(completion.tool.arguments, ARGUMENT_PIECE);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Content part types that carry the user's text: chat / Messages `text`, Responses `input_text`. */
const TEXT_PARTS: ReadonlySet<unknown> = new Set(["text", "input_text"]);

/** Text of a message `content`: a string, or the text parts of an array of content parts/blocks. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && TEXT_PARTS.has(part["type"]) && typeof part["text"] === "string")
      texts.push(part["text"]);
  }
  return texts.join("\n");
}

/** The last user message's text: of chat `messages`, or of a Responses `input` (a string, or input items). */
function lastUserMessageText(messages: unknown): string {
  if (typeof messages === "string") return messages;
  if (!Array.isArray(messages)) return "";
  for (let i = messages.length - 1; i >= 0; i--) {
    const message: unknown = messages[i];
    if (isRecord(message) && message["role"] === "user") return contentText(message["content"]);
  }
  return "";
}

/**
 * Reads the fields the demo upstream needs from a Chat Completions, Messages or Responses request body (lenient:
 * missing fields get defaults, since the demo upstream is not the place that validates requests).
 */
export function parseChatRequest(body: unknown): ParsedChatRequest {
  if (!isRecord(body)) return { model: "mock-model", stream: false, includeUsage: false, lastUserText: "" };
  const streamOptions = body["stream_options"];
  return {
    model: typeof body["model"] === "string" ? body["model"] : "mock-model",
    stream: body["stream"] === true,
    includeUsage: isRecord(streamOptions) && streamOptions["include_usage"] === true,
    lastUserText: lastUserMessageText(body["messages"] ?? body["input"]),
  };
}
