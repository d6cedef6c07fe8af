/**
 * Collects the text of a parsed JSON value (a request, a response, a stream event) for screening: every string
 * except those under a short list of keys known to carry no text a model reads or writes (ids, enums, URLs,
 * binary data, signatures, credentials). Walking everything that is not known to be non-text, rather than reading
 * the fields known to be text, means a text field a provider adds tomorrow is screened the day it appears; the
 * cost of a wrong guess is a stray word in the screened text, not an unscreened channel.
 */

/**
 * Keys whose string values are not text: identifiers, enums and settings, links, binary or encrypted payloads,
 * client metadata the model never reads, and credentials (which must not reach incidents). A dialect with more
 * such keys passes a superset as `CollectOptions.nonText`.
 */
export const NON_TEXT_KEYS: ReadonlySet<string> = new Set([
  // identity and structure
  "id",
  "type",
  "role",
  "object",
  "model",
  "index",
  "created",
  "created_at",
  "expires_at",
  "system_fingerprint",
  "service_tier",
  "tool_use_id",
  "tool_call_id",
  "call_id",
  "file_id",
  "container",
  // links, binary, encrypted or random payloads
  "url",
  "image_url",
  "file_data",
  "signature",
  "encrypted_content",
  "obfuscation",
  // enums and settings
  "media_type",
  "mime_type",
  "detail",
  "cache_control",
  "finish_reason",
  "stop_reason",
  "stop_sequence",
  "logprobs",
  "usage",
  "tool_choice",
  "reasoning_effort",
  "effort",
  "verbosity",
  "modalities",
  "voice",
  // client metadata and stop strings: never model input
  "user",
  "user_id",
  "safety_identifier",
  "prompt_cache_key",
  "metadata",
  "stop",
  "stop_sequences",
  // credentials
  "authorization_token",
  "authorization",
  "api_key",
]);

/**
 * Keys whose value is free-form JSON (tool inputs, JSON schemas): property names are text there too (a schema
 * property can be named after what it asks for), so inside them every key and every string counts.
 */
const FREE_FORM_KEYS: ReadonlySet<string> = new Set([
  "input",
  "arguments",
  "parameters",
  "input_schema",
  "schema",
]);

/** Base64 / base64url (as MIME wraps it) or a base64 data URL: an image, PDF, audio or encrypted blob. */
const BINARY = /^(?:data:[\w.+-]+\/[\w.+-]+;base64,)?[A-Za-z0-9+/=_\-\r\n]*$/;

/** Looks at the first KiB only, so an inline image of megabytes costs nothing. */
function looksBinary(s: string): boolean {
  return BINARY.test(s.length > 1024 ? s.slice(0, 1024) : s);
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A document source whose `data` is plain text (Anthropic `{type: "text", media_type: "text/plain", data}`). */
function isTextSource(o: Obj): boolean {
  return o.type === "text" || (typeof o.media_type === "string" && o.media_type.startsWith("text/"));
}

/** How a walk tells text from non-text. */
export interface CollectOptions {
  /** Keys whose values are not text (and whose objects are not walked). @defaultValue NON_TEXT_KEYS */
  readonly nonText?: ReadonlySet<string>;
}

const DEFAULTS: CollectOptions = {};

/** Whether the string under `key` of `parent` is text. */
function isText(parent: Obj, key: string, value: string, nonText: ReadonlySet<string>): boolean {
  if (nonText.has(key)) return false;
  if (key === "data") return isTextSource(parent) || !looksBinary(value);
  return true;
}

interface Frame {
  readonly value: unknown;
  readonly freeForm: boolean;
}

/**
 * Appends the text strings of `value` to `out` in document order. Iterative, so no nesting depth of a hostile
 * body can overflow the stack; strings are pushed by reference, so the cost is one visit per node.
 *
 * @example
 * const out: string[] = [];
 * collectText({ role: "user", content: [{ type: "text", text: "hi" }] }, out); // out = ["hi"]
 */
export function collectText(value: unknown, out: string[], opts: CollectOptions = DEFAULTS): void {
  const nonText = opts.nonText ?? NON_TEXT_KEYS;
  const stack: Frame[] = [{ value, freeForm: false }];
  for (let f = stack.pop(); f !== undefined; f = stack.pop()) {
    const v = f.value;
    if (typeof v === "string") {
      out.push(v);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], freeForm: f.freeForm });
    } else if (isObj(v)) {
      pushEntries(v, f.freeForm, stack, nonText);
    }
  }
}

/** Pushes an object's entries (last first, so they pop in document order). */
function pushEntries(o: Obj, freeForm: boolean, stack: Frame[], nonText: ReadonlySet<string>): void {
  const keys = Object.keys(o);
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i] as string;
    const child = o[key];
    if (freeForm) {
      stack.push({ value: child, freeForm: true });
      stack.push({ value: key, freeForm: true });
    } else if (typeof child === "string") {
      if (isText(o, key, child, nonText)) stack.push({ value: child, freeForm: false });
    } else if (typeof child === "object" && child !== null && !nonText.has(key)) {
      stack.push({ value: child, freeForm: FREE_FORM_KEYS.has(key) });
    }
  }
}

/** Appends the text of every field of `o` except those named in `omit` (handled by the caller). */
export function collectFields(
  o: Obj,
  omit: ReadonlySet<string>,
  out: string[],
  opts: CollectOptions = DEFAULTS,
): void {
  const rest: Obj = {};
  for (const key of Object.keys(o)) if (!omit.has(key)) rest[key] = o[key];
  collectText(rest, out, opts);
}

/** The text of `value`, its pieces joined by `separator`. */
export function textOf(value: unknown, separator = "\n", opts: CollectOptions = DEFAULTS): string {
  const out: string[] = [];
  collectText(value, out, opts);
  let text = "";
  for (const piece of out) {
    if (piece.length === 0) continue;
    text = text.length === 0 ? piece : text + separator + piece;
  }
  return text;
}
