/**
 * Sets deps, the start time, a request id (client's `x-request-id` when well-formed) and a child logger on every
 * request, and counts it in `portcullis_requests_in_flight` until it ends.
 */
import { randomUUID } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Deps } from "../env.ts";
import { headerOf, nodeResponse } from "../http/node-io.ts";
import { routeOf } from "../routes/outcome.ts";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Counts the request in `portcullis_requests_in_flight{route}` and sets `endInFlight`, which takes it out on its
 * first call only. `recordOutcome` calls it at the request's recorded end (an answer, a refusal, an error, a
 * stream's end or its client leaving), the moment its duration is observed too. A request that records no end
 * (probes, scrapes, the review console and admin APIs) leaves when its response is done: when the Node response
 * closes over HTTP - which also happens, once, however a request ends - and when the handler returns under
 * `app.request()`, unless it returned an event stream, which always records its end. A gauge left high would hold
 * the HPA scaled up for good, hence the one idempotent exit and the transport-level backstop.
 */
function enterInFlight(c: Context<AppEnv>, deps: Deps): () => void {
  const gauge = deps.metrics.requestsInFlight;
  const labels = { route: routeOf(c.req.path) };
  gauge.inc(labels);
  let open = true;
  const end = (): void => {
    if (!open) return;
    open = false;
    gauge.dec(labels);
  };
  c.set("endInFlight", end);
  return end;
}

function isEventStream(res: Response): boolean {
  return res.headers.get("content-type")?.startsWith("text/event-stream") === true;
}

export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    c.set("startedAt", performance.now());
    const incoming = headerOf(c, "x-request-id");
    const requestId = incoming !== undefined && SAFE_ID.test(incoming) ? incoming : randomUUID();
    c.set("deps", deps);
    c.set("requestId", requestId);
    c.set("log", deps.logger.child({ reqId: requestId }));
    c.header("x-request-id", requestId);
    const endInFlight = enterInFlight(c, deps);
    const outgoing = nodeResponse(c);
    outgoing?.once("close", endInFlight);
    await next();
    if (outgoing === undefined && !isEventStream(c.res)) endInFlight();
  };
}
