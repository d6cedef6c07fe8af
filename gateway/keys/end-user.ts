/**
 * End-user identity: products share one API key across their own users and may name the user per request
 * (OpenAI `safety_identifier` / `user`, Anthropic `metadata.user_id`, or a configured header). Enforcement then
 * strikes, throttles and suspends that end user of the key instead of the whole key. The id is client-chosen and
 * may be personal data, so only its hash (`endUserHash`) is used in Redis key names, statuses and audit entries.
 */
import { createHash } from "node:crypto";
import type { Dialect } from "../../config/schema.ts";
import { GatewayError, retryAfterSeconds } from "../errors.ts";
import type { KeyStore } from "./key-store.ts";

/** Longest end-user id kept; longer ids are cut to this many characters (before hashing). */
export const END_USER_MAX_CHARS = 256;

function nonEmpty(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t.length > 0 ? t.slice(0, END_USER_MAX_CHARS) : undefined;
}

function field(obj: unknown, name: string): unknown {
  return typeof obj === "object" && obj !== null && !Array.isArray(obj)
    ? (obj as Record<string, unknown>)[name]
    : undefined;
}

/**
 * The end-user id a request names in its body: OpenAI `safety_identifier`, then `user`; Anthropic
 * `metadata.user_id`. Non-string and blank values count as absent.
 */
export function endUserFromBody(dialect: Dialect, body: unknown): string | undefined {
  if (dialect === "anthropic") return nonEmpty(field(field(body, "metadata"), "user_id"));
  return nonEmpty(field(body, "safety_identifier")) ?? nonEmpty(field(body, "user"));
}

/**
 * The request's end-user id: the body's field (what the SDKs send), else the configured header's value; at most
 * `END_USER_MAX_CHARS` characters, trimmed; undefined when the request names none.
 *
 * @example
 * endUserOf({ dialect: "openai", body: { user: "u-42" }, header: undefined }) // "u-42"
 */
export function endUserOf(o: {
  dialect: Dialect;
  body: unknown;
  header: string | undefined;
}): string | undefined {
  return endUserFromBody(o.dialect, o.body) ?? nonEmpty(o.header);
}

/**
 * The pseudonymous form of an end user of a key: the first 32 hex characters (128 bits) of SHA-256 over the key id
 * and the end-user id. Scoped by the key, so one person's hashes under two products' keys are unrelated.
 */
export function endUserHash(keyId: string, endUserId: string): string {
  return createHash("sha256").update(`${keyId}\u0000${endUserId}`).digest("hex").slice(0, 32);
}

/** An end user a request named: the (length-capped) id as sent, and its `endUserHash` under the request's key. */
export interface EndUser {
  readonly id: string;
  readonly hash: string;
}

/** The end user a request names (see `endUserOf`), with its hash under `keyId`; undefined when it names none. */
export function identifyEndUser(o: {
  keyId: string;
  dialect: Dialect;
  body: unknown;
  header: string | undefined;
}): EndUser | undefined {
  const id = endUserOf(o);
  return id === undefined ? undefined : { id, hash: endUserHash(o.keyId, id) };
}

/**
 * Refuses a request from a throttled (429 with `Retry-After`, seconds until the throttle lapses) or suspended
 * (403) end user of the key. Other end users of the key, and requests that name none, are not affected.
 */
export function assertEndUserAllowed(keys: KeyStore, keyId: string, endUser: string, now = Date.now()): void {
  const st = keys.endUserStatus(keyId, endUser, now);
  if (st === undefined) return;
  if (st.status === "suspended") {
    throw new GatewayError("end_user_suspended", "this end user is suspended; contact the product's support");
  }
  throw new GatewayError("rate_limited", "this end user is temporarily throttled; retry later", {
    ...(st.until !== undefined ? { retryAfter: retryAfterSeconds(st.until, now) } : {}),
  });
}
