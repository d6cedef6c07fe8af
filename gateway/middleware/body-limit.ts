/**
 * One request-body limit for every route, the review and admin apps included. A declared `content-length` over
 * the limit is refused (413) here, before any handler reads a byte or authenticates; a body without one (chunked)
 * is counted while it is read by `readBodyText`/`readBodyBytes` (`http/node-io.ts`), the gateway's only body
 * readers, which stop at the same limit. Nothing is buffered past it either way.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { bodyTooLarge, headerOf } from "../http/node-io.ts";

export interface BodyLimitOptions {
  /** Largest accepted body in bytes (config `server.bodyLimitBytes`). */
  maxBytes: number;
}

export function bodyLimit({ maxBytes }: BodyLimitOptions): MiddlewareHandler<AppEnv> {
  return async function bodyLimitMiddleware(c, next) {
    if (Number(headerOf(c, "content-length") ?? "0") > maxBytes) throw bodyTooLarge(maxBytes);
    await next();
  };
}
