/**
 * Forwards a streaming request: upstream bytes -> SSE parser -> stream guard -> client bytes. Over HTTP the guard's
 * output is written straight to the Node response, with flow control both ways (the upstream is paused while a
 * screening point is in flight or the client is slow to read); under `app.request()` the same pump runs as one
 * Web TransformStream. Cancellation both ways: the client leaving aborts the upstream; a block aborts the
 * upstream and ends the client stream as a refusal.
 */
import type { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { buildIncident, needsIncident } from "../incidents/build.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";
import {
  createSseGuardPump,
  createSseGuardStream,
  type GuardSink,
  type StreamGuardOptions,
  type StreamSummary,
} from "../stream/guard.ts";
import { streamScorerFor } from "../stream/scorers.ts";
import { nodeResponse } from "../http/node-io.ts";
import { upstreamBodyStream, type UpstreamResponse } from "../upstream/upstreams.ts";
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
    buildIncident(x.incident, "completion", [record], {
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

interface NodePumpOptions {
  readonly outgoing: ServerResponse;
  readonly body: UpstreamResponse["body"];
  readonly guard: StreamGuardOptions;
  readonly clientGone: AbortSignal;
  readonly onFirstChunk: () => void;
  readonly onReadError: (e: unknown) => void;
  readonly onWriteError: (e: unknown) => void;
}

/**
 * Runs the guard between the upstream body (a Node Readable) and the Node response with no Web Streams in between:
 * the upstream is paused while a screening point is in flight or the response is over its buffer, and resumed when
 * both clear. Nothing is written once the client has gone.
 */
function pumpToNode(o: NodePumpOptions): void {
  const { outgoing, body } = o;
  const writable = (): boolean => !outgoing.writableEnded && !outgoing.destroyed;
  let screening = false;
  let full = false;
  let done = false;
  const resume = (): void => {
    if (!screening && !full && !done) body.resume();
  };
  const fail = (e: unknown): void => {
    o.onWriteError(e);
    outgoing.destroy();
  };
  const end = (): void => {
    if (writable()) outgoing.end();
  };
  const sink: GuardSink = {
    enqueue(text) {
      if (writable() && !outgoing.write(text)) full = true;
    },
    terminate: end,
    error: fail,
  };
  const pump = createSseGuardPump(o.guard, sink);
  let first: (() => void) | undefined = o.onFirstChunk;
  const finish = (): void => {
    if (done) return;
    done = true;
    if (o.clientGone.aborted) return;
    pump.end().then(end, fail);
  };
  outgoing.on("drain", () => {
    full = false;
    resume();
  });
  body.on("data", (chunk: Buffer) => {
    if (first) {
      first();
      first = undefined;
    }
    let pending: Promise<void> | undefined;
    try {
      pending = pump.write(chunk);
    } catch (e: unknown) {
      fail(e);
      return;
    }
    if (full) body.pause();
    if (!pending) return;
    screening = true;
    body.pause();
    pending.then(() => {
      screening = false;
      resume();
    }, fail);
  });
  body.once("end", finish);
  body.once("error", (e: unknown) => {
    o.onReadError(e);
    finish();
  });
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
  pumpToNode({
    outgoing,
    body: res.body,
    guard,
    clientGone: x.signal,
    onFirstChunk,
    onReadError,
    onWriteError: (e) => c.var.log.error({ err: e }, "stream guard failed"),
  });
  return RESPONSE_ALREADY_SENT;
}
