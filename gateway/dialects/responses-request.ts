/**
 * An OpenAI Responses API request (`POST /v1/responses`) as one `Conversation`: `instructions` and system /
 * developer input items, then every other request field (tools, `text.format` schemas, prompt variables, ...) are
 * request-level text; every other input item is a turn - user messages, assistant messages, reasoning and tool
 * calls from the history, and tool outputs (`function_call_output` and the other `*_output` items).
 *
 * What the gateway cannot see is not screened here: the server-side state that `previous_response_id`,
 * `conversation` and stored `prompt` templates refer to lives at the upstream. The prompt and conversation stages
 * screen what the request itself sends.
 */
import { z } from "zod";
import type { Role, Turn } from "../../classifiers/types.ts";
import { GatewayError } from "../errors.ts";
import { validate } from "../http/json-body.ts";
import { collectFields } from "./collect-text.ts";
import { collectResponsesText, RESPONSES_TEXT, responsesTextOf } from "./responses-text.ts";
import { buildConversation, joinText, type ParsedRequest } from "./types.ts";

const ROLES = ["user", "assistant", "system", "developer"] as const;

const contentSchema = z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]);

const itemSchema = z
  .looseObject({
    type: z.string().optional(),
    role: z.enum(ROLES).optional(),
    content: contentSchema.optional(),
  })
  .refine(
    (i) =>
      (i.type !== undefined && i.type !== "message") || (i.role !== undefined && i.content !== undefined),
    "an input message needs a role and content (other input items need a type)",
  );

// A union would report a bad item only as "input: Invalid input", so the item list is checked on its own.
const itemsSchema = z.object({ input: z.array(itemSchema) });

const requestSchema = z.looseObject({
  model: z.string().min(1, "model must not be empty"),
  input: z.unknown(),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  background: z.boolean().nullish(),
});

type Item = z.infer<typeof itemSchema>;

/** The input: absent, a string (one user message), or a list of input items; throws on anything else. */
function inputOf(input: unknown): string | readonly Item[] | undefined {
  if (input === undefined || input === null || typeof input === "string") return input ?? undefined;
  if (!Array.isArray(input))
    throw new GatewayError("invalid_request", "input: must be a string or an array of input items");
  return validate(itemsSchema, { input }).input;
}

/** Input items that are the model's own earlier output (hosted and client tool calls, reasoning). */
const ASSISTANT_ITEM = /^(reasoning|.*_call|mcp_list_tools|mcp_approval_request|compaction)$/;
/** Input items that carry a tool's result back to the model. */
const TOOL_ITEM = /^(.*_output|mcp_approval_response)$/;

/**
 * The turn role of an input item. An item type this code does not know counts as user input, so the prompt stage
 * screens it when it is part of the newest input.
 */
function roleOf(item: Item): Role {
  switch (item.role) {
    case "system":
    case "developer":
      return "system";
    case "user":
      return "user";
    case "assistant":
      return "assistant";
    case undefined:
      break;
  }
  const type = item.type ?? "";
  if (TOOL_ITEM.test(type)) return "tool";
  if (ASSISTANT_ITEM.test(type)) return "assistant";
  return "user";
}

/** Request fields read separately (turns, the instructions) or that hold no text the model reads. */
const OWN_FIELDS: ReadonlySet<string> = new Set(["input", "instructions"]);

function conversationOf(body: Record<string, unknown>, input: string | readonly Item[] | undefined) {
  const system: string[] = [];
  if (typeof body.instructions === "string") system.push(body.instructions);
  const turns: Turn[] = [];
  if (typeof input === "string") turns.push({ role: "user", text: input });
  for (const item of typeof input === "string" ? [] : (input ?? [])) {
    const role = roleOf(item);
    if (role === "system") collectResponsesText(item, system);
    else turns.push({ role, text: responsesTextOf(item) });
  }
  collectFields(body, OWN_FIELDS, system, RESPONSES_TEXT);
  return buildConversation(joinText(system), turns);
}

/**
 * Validates a Responses request and builds its conversation; throws `GatewayError("invalid_request")`.
 * `background: true` is refused: a background response is fetched later from `GET /v1/responses/{id}`, which
 * the gateway does not serve, so its output could not be screened.
 */
export function parseResponsesRequest(body: unknown): ParsedRequest {
  const data = validate(requestSchema, body);
  if (data.background === true) {
    throw new GatewayError(
      "invalid_request",
      "background: background responses are not supported by this gateway; send the request without it",
    );
  }
  return {
    model: data.model,
    stream: data.stream === true,
    conversation: conversationOf(data, inputOf(data.input)),
  };
}
