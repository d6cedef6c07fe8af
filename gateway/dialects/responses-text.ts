/**
 * What the OpenAI Responses dialect screens: the shared walk of `collect-text.ts` (every string except a short list
 * of non-text keys) with the Responses API's own ids, enums, links and credentials added to that list, and - for a
 * Response object - without the request fields the server echoes back (screened on the way in already).
 */
import { collectText, NON_TEXT_KEYS, textOf, type CollectOptions } from "./collect-text.ts";

type Obj = Record<string, unknown>;

/** Keys of Responses bodies and events whose values are not text, on top of `NON_TEXT_KEYS`. */
const RESPONSES_NON_TEXT: readonly string[] = [
  // ids and references to server-side state
  "item_id",
  "response_id",
  "previous_response_id",
  "conversation",
  "vector_store_ids",
  "file_ids",
  "connector_id",
  // enums and settings
  "status",
  "phase",
  "truncation",
  "include",
  "prompt_cache_retention",
  // links, binary payloads, credentials (an MCP tool's `headers` carry its bearer token)
  "file_url",
  "server_url",
  "partial_image_b64",
  "headers",
];

/** The walk's options for every Responses body and event. */
export const RESPONSES_TEXT: CollectOptions = {
  nonText: new Set([...NON_TEXT_KEYS, ...RESPONSES_NON_TEXT]),
};

/**
 * Request fields a Response object echoes (`instructions`, `tools`, `text.format`, `prompt`, `reasoning`): the
 * client's own text, screened by the prompt stage; read as completion text they would judge the system prompt as
 * if the model had written it.
 */
const ECHOED_REQUEST_FIELDS: ReadonlySet<string> = new Set([
  "instructions",
  "tools",
  "text",
  "prompt",
  "reasoning",
  "tool_choice",
]);

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A Response object without the request fields it echoes. */
export function withoutEcho(response: unknown): unknown {
  if (!isObj(response)) return response;
  const rest: Obj = {};
  for (const key of Object.keys(response)) if (!ECHOED_REQUEST_FIELDS.has(key)) rest[key] = response[key];
  return rest;
}

/**
 * The completion text of a Response object (a JSON reply): every string of its `output` items - message text,
 * refusals, function and custom tool calls, reasoning summaries, annotations - and of any field a server adds,
 * but not the echoed request fields.
 */
export function responseText(body: unknown): string {
  return textOf(withoutEcho(body), "\n", RESPONSES_TEXT);
}

/** Appends the text strings of a Responses value to `out` (see `collectText`). */
export function collectResponsesText(value: unknown, out: string[]): void {
  collectText(value, out, RESPONSES_TEXT);
}

/** The text of a Responses value, pieces joined by `separator`. */
export function responsesTextOf(value: unknown, separator = "\n"): string {
  return textOf(value, separator, RESPONSES_TEXT);
}
