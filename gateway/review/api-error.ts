/**
 * The review/admin API's one error type. Its body is `{error:{code,message}}` (not a client dialect: these APIs
 * serve reviewers and admins), rendered only by `renderApiError`.
 */
import type { Context } from "hono";

export type ApiErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "token_expired"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "body_too_large"
  | "unavailable"
  | "internal";

export function apiStatus(code: ApiErrorCode): 400 | 401 | 403 | 404 | 409 | 413 | 503 | 500 {
  switch (code) {
    case "invalid_request":
      return 400;
    case "unauthorized":
    case "token_expired":
      return 401;
    case "forbidden":
      return 403;
    case "not_found":
      return 404;
    case "conflict":
      return 409;
    case "body_too_large":
      return 413;
    case "unavailable":
      return 503;
    case "internal":
      return 500;
  }
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    opts?: { cause?: unknown },
  ) {
    super(message, opts);
  }
}

function isRedisDown(e: unknown): boolean {
  return (
    e instanceof Error && /Connection is closed|enableOfflineQueue|ECONNREFUSED|max retries/i.test(e.message)
  );
}

/** The `onError` of the review and admin sub-apps. */
export function renderApiError(e: unknown, c: Context): Response {
  const ae =
    e instanceof ApiError
      ? e
      : isRedisDown(e)
        ? new ApiError("unavailable", "the incident store (Redis) is unavailable; retry shortly", {
            cause: e,
          })
        : new ApiError("internal", "internal error", { cause: e });
  return c.json({ error: { code: ae.code, message: ae.message } }, apiStatus(ae.code));
}
