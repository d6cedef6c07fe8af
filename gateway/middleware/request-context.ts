/**
 * Sets deps, the start time, a request id (client's `x-request-id` when well-formed) and a child logger on every
 * request.
 */
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv, Deps } from "../env.ts";
import { headerOf } from "../http/node-io.ts";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    c.set("startedAt", performance.now());
    const incoming = headerOf(c, "x-request-id");
    const requestId = incoming !== undefined && SAFE_ID.test(incoming) ? incoming : randomUUID();
    c.set("deps", deps);
    c.set("requestId", requestId);
    c.set("log", deps.logger.child({ reqId: requestId }));
    c.header("x-request-id", requestId);
    await next();
  };
}
