/**
 * One error type for the gateway (CONVENTIONS 7). Handlers throw `GatewayError`; only `app.onError` formats it,
 * in the client's dialect. Codes form a closed union mapped to standard HTTP statuses in one switch.
 */
export type ErrorCode =
  | "invalid_json"
  | "invalid_request"
  | "body_too_large"
  | "unknown_model"
  | "not_found"
  | "missing_key"
  | "invalid_key"
  | "key_suspended"
  | "end_user_suspended"
  | "forbidden"
  | "rate_limited"
  | "upstream_timeout"
  | "upstream_unreachable"
  | "upstream_error"
  | "upstream_bad_response"
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
      return 401;
    case "key_suspended":
    case "end_user_suspended":
    case "forbidden":
      return 403;
    case "unknown_model":
    case "not_found":
      return 404;
    case "body_too_large":
      return 413;
    case "rate_limited":
      return 429;
    case "upstream_unreachable":
    case "upstream_bad_response":
    case "upstream_error":
      return 502;
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
   * The `Retry-After` header value (delta-seconds or an HTTP date). Every 429 carries one: without it, `onError`
   * sends `DEFAULT_RETRY_AFTER_SECONDS`.
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
