/**
 * One error type for the whole gateway (CONVENTIONS 7): the model APIs, the review console and the review/admin
 * JSON APIs all throw `GatewayError`. Codes form a closed union mapped to standard HTTP statuses in one switch;
 * each surface's error handler renders it in its own shape - the client's dialect on the model APIs
 * (`DialectAdapter.errorBody`), `{error:{code,message}}` on the review/admin APIs (`review/http.ts`), an HTML page
 * in the console - and never builds a body anywhere else.
 */
import { isUnavailableReply } from "../contracts/redis-client.ts";

export type ErrorCode =
  | "invalid_json"
  | "invalid_request"
  | "body_too_large"
  | "unknown_model"
  | "not_found"
  | "missing_key"
  | "invalid_key"
  | "unauthorized"
  | "token_expired"
  | "key_suspended"
  | "end_user_suspended"
  | "forbidden"
  | "conflict"
  | "rate_limited"
  | "upstream_timeout"
  | "upstream_unreachable"
  | "upstream_error"
  | "upstream_bad_response"
  | "unavailable"
  | "client_closed"
  | "internal";

export function statusOf(code: ErrorCode): number {
  switch (code) {
    case "invalid_json":
    case "invalid_request":
    case "client_closed": // the client went away; nobody reads this, and 499 is not a standard status
      return 400;
    case "missing_key":
    case "invalid_key":
    case "unauthorized":
    case "token_expired":
      return 401;
    case "key_suspended":
    case "end_user_suspended":
    case "forbidden":
      return 403;
    case "unknown_model":
    case "not_found":
      return 404;
    case "conflict":
      return 409;
    case "body_too_large":
      return 413;
    case "rate_limited":
      return 429;
    case "upstream_unreachable":
    case "upstream_bad_response":
    case "upstream_error":
      return 502;
    case "unavailable":
      return 503;
    case "upstream_timeout":
      return 504;
    case "internal":
      return 500;
  }
}

export interface GatewayErrorOptions {
  /** Overrides the status for pass-through upstream errors (a 4xx/5xx the upstream returned). */
  status?: number;
  /** The upstream's own error body in the client's dialect, passed back unchanged. */
  upstreamBody?: unknown;
  /**
   * The `Retry-After` header value (delta-seconds or an HTTP date). Every 429 carries one: without it, the error
   * handlers send `DEFAULT_RETRY_AFTER_SECONDS`.
   */
  retryAfter?: string | undefined;
  cause?: unknown;
}

/** `Retry-After` of a 429 that names no better time. @defaultValue 1 */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** Whole seconds until `until` (epoch ms), rounded up and at least 1: a `Retry-After` value. */
export function retryAfterSeconds(until: number, now = Date.now()): string {
  return String(Math.max(1, Math.ceil((until - now) / 1000)));
}

export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly status: number;
  readonly upstreamBody: unknown;
  readonly retryAfter: string | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: GatewayErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.status = opts.status ?? statusOf(code);
    this.upstreamBody = opts.upstreamBody;
    this.retryAfter = opts.retryAfter;
  }
}

/** The error's `Retry-After`: its own (a throttle's lapse, an upstream's value), and on every 429 at least a default. */
export function retryAfterOf(ge: GatewayError): string | undefined {
  return ge.retryAfter ?? (ge.status === 429 ? String(DEFAULT_RETRY_AFTER_SECONDS) : undefined);
}

export interface ToGatewayErrorOptions {
  /**
   * Whether the Redis client the failed handler used can take commands now (ioredis `status`). Read when the error
   * is mapped, right after the failure: a thrown value that is no `GatewayError` while Redis is not usable, or a
   * reply that says the store cannot serve (CLUSTERDOWN, TRYAGAIN, ... while a cluster fails over), is the store
   * being down (503 `unavailable`), not a bug (500). Omit on surfaces that do not depend on Redis.
   */
  redisReady?: () => boolean;
}

/**
 * Any thrown value as a `GatewayError`: itself when it is one; an `AbortError` is the client that left; anything
 * else is the store being down (see `redisReady`) or an internal error.
 */
export function toGatewayError(e: unknown, o: ToGatewayErrorOptions = {}): GatewayError {
  if (e instanceof GatewayError) return e;
  if (e instanceof Error && e.name === "AbortError")
    return new GatewayError("client_closed", "the client closed the request", { cause: e });
  if (o.redisReady && (!o.redisReady() || isUnavailableReply(e)))
    return new GatewayError("unavailable", "the incident store (Redis) is unavailable; retry shortly", {
      cause: e,
    });
  return new GatewayError("internal", "internal error in the gateway", { cause: e });
}
