/**
 * API-key authentication: `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key` (Anthropic clients).
 * Sets `c.var.key`; unknown, suspended and revoked keys are refused in the client's dialect, a throttled key with
 * 429 and `Retry-After` (seconds until the throttle lapses).
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { GatewayError, retryAfterSeconds } from "../errors.ts";
import { headerOf } from "../http/node-io.ts";

export interface AuthOptions {
  /** Scope the route needs. @defaultValue "chat" */
  scope?: "chat" | "classify";
}

/** Reads the presented key from either header style. */
export function presentedKey(headers: { header(name: string): string | undefined }): string | undefined {
  const auth = headers.header("authorization");
  if (auth !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return m[1].trim();
  }
  const apiKey = headers.header("x-api-key");
  return apiKey !== undefined && apiKey.trim().length > 0 ? apiKey.trim() : undefined;
}

export function auth({ scope = "chat" }: AuthOptions = {}): MiddlewareHandler<AppEnv> {
  return async function authMiddleware(c, next) {
    const presented = presentedKey({ header: (name) => headerOf(c, name) });
    if (presented === undefined) {
      throw new GatewayError("missing_key", "missing API key: send Authorization: Bearer <key> or x-api-key");
    }
    const key = c.var.deps.keys.lookup(presented);
    if (!key || key.status === "revoked") throw new GatewayError("invalid_key", "invalid API key");
    if (key.status === "suspended") {
      throw new GatewayError("key_suspended", "this API key is suspended; contact your administrator");
    }
    if (key.status === "throttled") {
      throw new GatewayError("rate_limited", "this API key is temporarily throttled; retry later", {
        ...(key.until !== undefined ? { retryAfter: retryAfterSeconds(key.until) } : {}),
      });
    }
    if (!key.scopes.includes(scope)) {
      throw new GatewayError("forbidden", `this API key lacks the "${scope}" scope`);
    }
    c.set("key", key);
    await next();
  };
}
