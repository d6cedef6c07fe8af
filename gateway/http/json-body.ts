/**
 * The one way a route turns a request body into validated data, on every surface (the model APIs, `/v1/classify`,
 * the review and admin APIs): the body is read only with `readBodyText` (the body limit holds while reading),
 * parsed as JSON, and checked with a zod schema by `validate` (which the dialects' request parsers and the
 * console's form posts use too); a failure is a `GatewayError` that the surface's error handler renders in its own
 * shape (400 `invalid_json` / `invalid_request`, 413 `body_too_large`).
 *
 * Hand-written rather than Hono's `validator("json")` / `@hono/zod-validator`: those read with `c.req.json()`,
 * which builds a Web `Request` and reads the whole body with no limit of its own (a chunked body past the limit
 * would be buffered), skip parsing unless the client labelled the body `application/json` (curl and some SDKs do
 * not), and answer malformed JSON with their own `HTTPException` text rather than the surface's error shape.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { GatewayError } from "../errors.ts";
import { readBodyText } from "./node-io.ts";

/** How many zod issues an error message names: enough to fix a request, short enough to read. */
const MAX_ISSUES = 3;

/**
 * The one zod-issue formatter for request errors: the first few issues, each prefixed with its path when it has
 * one, joined by "; ".
 *
 * @example zodMessage(err) // "model: Invalid input: expected string, received undefined; messages: Required"
 */
export function zodMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, MAX_ISSUES)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/** `schema`'s output for `value`; a mismatch is `GatewayError("invalid_request")` with `zodMessage`. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new GatewayError("invalid_request", zodMessage(r.error));
  return r.data;
}

export interface ReadJsonOptions {
  /** Largest accepted body in bytes; past it, 413 while reading. */
  limit: number;
  /**
   * The value of an empty (or whitespace-only) body. Unset: such a body is not JSON (400 `invalid_json`), as the
   * model APIs answer; the review/admin APIs pass `{}` so a POST without a body takes the schema's defaults.
   */
  emptyAs?: unknown;
}

/** The body's text and its parsed JSON value (the model APIs forward the text unchanged). */
export async function readJsonBody(
  c: Context,
  o: ReadJsonOptions,
): Promise<{ text: string; value: unknown }> {
  const text = await readBodyText(c, o.limit);
  if (o.emptyAs !== undefined && text.trim().length === 0) return { text, value: o.emptyAs };
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch {
    throw new GatewayError("invalid_json", "request body is not valid JSON");
  }
}

/** `readJsonBody` checked with `schema`: the parsed, validated body. */
export async function readValidBody<T extends z.ZodType>(
  c: Context,
  schema: T,
  o: ReadJsonOptions,
): Promise<z.output<T>> {
  return validate(schema, (await readJsonBody(c, o)).value);
}
