/**
 * Helpers shared by the review and admin JSON APIs: bearer auth into `c.var.principal`, how they read bodies, and
 * their one error handler.
 */
import type { ErrorHandler, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { GatewayError, retryAfterOf, toGatewayError } from "../errors.ts";
import type { ReadJsonOptions } from "../http/json-body.ts";
import { bearerToken, type Principal, type Role, type TokenAuth } from "./tokens.ts";

/** The review/admin sub-apps' Hono env. */
export interface ApiEnv {
  Variables: { principal: Principal };
}

/** Authenticates the bearer token; `role: "admin"` also refuses reviewers. */
export function requireToken({ tokens, role }: { tokens: TokenAuth; role: Role }): MiddlewareHandler<ApiEnv> {
  return async function tokenMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (token === undefined)
      throw new GatewayError("unauthorized", "send Authorization: Bearer <review or admin token>");
    const r = tokens.check(token);
    if (!r.ok) {
      throw r.reason === "expired"
        ? new GatewayError("token_expired", "this token has expired")
        : new GatewayError("unauthorized", "unknown token");
    }
    if (role === "admin" && r.principal.role !== "admin")
      throw new GatewayError("forbidden", "this needs an admin token");
    c.set("principal", r.principal);
    await next();
  };
}

/**
 * How the APIs read a JSON body (`readValidBody`): at most `limit` bytes, and an empty body is `{}` so a POST
 * without one takes the schema's defaults.
 */
export function apiBody(limit: number): ReadJsonOptions {
  return { limit, emptyAs: {} };
}

export interface ApiErrorHandlerOptions {
  /** Whether the APIs' Redis client can take commands now: an unexpected failure while it cannot is a 503. */
  redisReady: () => boolean;
  /**
   * Called with a thrown value that maps to `internal` or `unavailable` (a bug, or the store being down): the
   * failures worth an error log line. Not for the request's own errors, nor for a client that left.
   */
  onInternalError: (e: unknown) => void;
}

/** Whether a mapped error is the server's fault (`internal`, `unavailable`) rather than the request's or client's. */
export function isServerFault(ge: GatewayError): boolean {
  return ge.code === "internal" || ge.code === "unavailable";
}

/**
 * The `onError` of the review and admin APIs: a `GatewayError` as `{error:{code,message}}` with its status (not a
 * client dialect: these APIs serve reviewers and admins).
 */
export function apiErrorHandler(o: ApiErrorHandlerOptions): ErrorHandler<ApiEnv> {
  return function renderApiError(e, c) {
    const ge = toGatewayError(e, { redisReady: o.redisReady });
    if (isServerFault(ge)) o.onInternalError(e);
    const retryAfter = retryAfterOf(ge);
    if (retryAfter !== undefined) c.header("retry-after", retryAfter);
    return c.json({ error: { code: ge.code, message: ge.message } }, ge.status as ContentfulStatusCode);
  };
}
