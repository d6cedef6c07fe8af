/**
 * A request-body limit on every route, the review and admin apps included: the model APIs (large bodies with inline
 * images and documents) have their own, larger one. A declared `content-length` over the limit is refused (413)
 * here, before any handler reads a byte or authenticates; a body without one (chunked) is counted while it is read
 * by `readBodyText`/`readBodyBytes` (`http/node-io.ts`), the gateway's only body readers, which stop at the same
 * limit. Nothing is buffered past it either way.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { bodyTooLarge, headerOf } from "../http/node-io.ts";

export interface BodyLimitOptions {
  /** Largest accepted body in bytes (config `server.bodyLimitBytes`). */
  maxBytes: number;
  /** Largest accepted body of the model APIs (config `server.modelBodyLimitBytes`). */
  modelMaxBytes: number;
}

/** The model API paths, whose bodies `modelBodyLimitBytes` bounds. */
export function isModelApiPath(path: string): boolean {
  return (
    path === "/v1/chat/completions" ||
    path === "/v1/responses" ||
    path === "/v1/messages" ||
    path === "/v1/messages/count_tokens"
  );
}

export function bodyLimit({ maxBytes, modelMaxBytes }: BodyLimitOptions): MiddlewareHandler<AppEnv> {
  return async function bodyLimitMiddleware(c, next) {
    const limit = isModelApiPath(c.req.path) ? modelMaxBytes : maxBytes;
    if (Number(headerOf(c, "content-length") ?? "0") > limit) throw bodyTooLarge(limit);
    await next();
  };
}
