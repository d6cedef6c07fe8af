/**
 * Forwards a streaming request: upstream bytes -> SSE parser -> stream guard -> client bytes. Over HTTP the guard's
 * output is written straight to the Node response, with flow control both ways (the upstream is paused while a
 * screening point is in flight or the client is slow to read); under `app.request()` the same pump runs as one
 * Web TransformStream. Cancellation both ways: the client leaving aborts the upstream; a block aborts the
 * upstream and ends the client stream as a refusal.
 */
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { buildIncident, needsIncident } from "../incidents/build.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";
import { createSseGuardStream, type StreamGuardOptions, type StreamSummary } from "../stream/guard.ts";
import { pumpSseToNode } from "../stream/node-pump.ts";
import { streamScorerFor } from "../stream/scorers.ts";
import { nodeResponse } from "../http/node-io.ts";
import { upstreamBodyStream } from "../upstream/upstreams.ts";
import { callUpstream, publishIncident, type Exchange } from "./exchange.ts";
import { countDecisions } from "./screen-request.ts";

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

function recordStreamEnd(x: Exchange, s: StreamSummary, upstreamName: string): void {
  const deps = x.c.var.deps;
  const record = {
    stage: "completion" as const,
    action: s.action,
    scores: s.scores,
    fired: s.fired,
    classifiers: [],
    ...(s.failMode ? { failMode: s.failMode } : {}),
  };
  countDecisions(deps, [record]);
  if (s.upstreamError) deps.metrics.upstreamErrors.inc({ upstream: upstreamName, kind: "stream" });
  deps.metrics.requests.inc({
    route: x.dialect.name,
    dialect: x.dialect.name,
    decision: s.action === "block" ? "block" : s.action === "flag" ? "flag" : "allow",
    status: "2xx",
  });
  if (!needsIncident([record])) return;
  publishIncident(
    x.c,
    buildIncident(x.incident, [record], {
      excerpt: s.excerpt,
      streamed: true,
      ...(s.cut ? { cutAt: s.released } : {}),
    }),
  );
}

/** The response headers: SSE plus what middleware and the handler set on the context (request id, incident). */
function streamHeaders(c: Context<AppEnv>): Record<string, string> {
  const headers: Record<string, string> = {};
  c.res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { ...headers, ...SSE_HEADERS };
}

export async function forwardStream(x: Exchange, policy: ResolvedPolicy): Promise<Response> {
  const { c, dialect, request } = x;
  const deps = c.var.deps;
  const abort = new AbortController();
  const onClientGone = (): void => abort.abort();
  x.signal.addEventListener("abort", onClientGone, { once: true });
  const { upstream, res, t0 } = await callUpstream(x, abort.signal);
  if (!res.contentType.includes("text/event-stream")) {
    res.body.destroy();
    throw new GatewayError(
      "upstream_bad_response",
      `upstream ${upstream.name} did not answer with an event stream`,
    );
  }
  const onFirstChunk = (): void =>
    deps.metrics.upstreamTtft.observe({ upstream: upstream.name }, (performance.now() - t0) / 1000);
  const onReadError = (e: unknown): void => {
    // Our own abort (a block, or the client leaving) is not an upstream failure.
    if (!abort.signal.aborted)
      c.var.log.warn({ err: e, upstream: upstream.name }, "upstream stream read failed");
  };
  const sp = policy.stages.completion;
  const outgoing = nodeResponse(c);
  const bytes = (): ReadableStream<Uint8Array> =>
    upstreamBodyStream(res.body, { abort: () => abort.abort(), onError: onReadError, onFirstChunk });
  if (!sp.enabled || sp.cascade.length === 0) return c.body(bytes(), 200, SSE_HEADERS);
  const guard: StreamGuardOptions = {
    renderer: dialect.createStreamRenderer({ model: request.model, fallbackId: `stream_${c.var.requestId}` }),
    dialect: dialect.name,
    scorers: deps.screener.firstTier(sp).map((cl) => streamScorerFor(cl, request.conversation.prompt)),
    stage: sp,
    stream: policy.stream,
    metrics: deps.metrics,
    onBlock: () => abort.abort(),
    onEnd: (summary) => {
      x.signal.removeEventListener("abort", onClientGone);
      recordStreamEnd(x, summary, upstream.name);
    },
  };
  if (outgoing === undefined) {
    return c.body(bytes().pipeThrough(createSseGuardStream(guard)), 200, SSE_HEADERS);
  }
  outgoing.writeHead(200, streamHeaders(c));
  outgoing.flushHeaders();
  pumpSseToNode({
    outgoing,
    body: res.body,
    guard,
    clientGone: x.signal,
    abortUpstream: () => abort.abort(),
    onFirstChunk,
    onReadError,
    onWriteError: (e) => c.var.log.error({ err: e }, "stream guard failed"),
  });
  return RESPONSE_ALREADY_SENT;
}
