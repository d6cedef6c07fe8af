/**
 * Forwards a streaming request: upstream bytes -> SSE parser -> stream guard -> client bytes. Over HTTP the guard's
 * output is written straight to the Node response, with flow control both ways (the upstream is paused while a
 * screening point is in flight or the client is slow to read); under `app.request()` the same pump runs as one
 * Web TransformStream. Cancellation both ways: the client leaving aborts the upstream; a block aborts the
 * upstream and ends the client stream as a refusal.
 */
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";
import type { Action, IncidentEvent } from "../../contracts/incident.ts";
import { estimateInputTokens, type StreamRenderer } from "../dialects/types.ts";
import type { AppEnv } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { buildIncident, needsIncident } from "../incidents/build.ts";
import { worst } from "../screening/decide.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";
import { createSseGuardStream, type StreamGuardOptions, type StreamSummary } from "../stream/guard.ts";
import { pumpSseToNode } from "../stream/node-pump.ts";
import { streamScorerFor } from "../stream/scorers.ts";
import type { SseDecoderOptions } from "../sse/decoder.ts";
import { nodeResponse } from "../http/node-io.ts";
import type { ResponseLimits, UpstreamLimit } from "../upstream/limits.ts";
import { upstreamBodyStream, type UpstreamResponse } from "../upstream/upstreams.ts";
import { callUpstream, type Exchange } from "./exchange.ts";
import { recordOutcome, type Decision } from "./outcome.ts";
import { countDecisions } from "./screen-request.ts";

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

/** Tells a stream's outcome (see `trackStreamEnd`). */
type StreamEnd = (decision: Decision, incident?: IncidentEvent) => void;

/** Records what the guard reports at a stream's end: the completion stage's decisions, its incident, the outcome. */
function onGuardEnd(x: Exchange, s: StreamSummary, o: { upstream: string; end: StreamEnd }): void {
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
  if (s.upstreamError) deps.metrics.upstreamErrors.inc({ upstream: o.upstream, kind: "stream" });
  const incident = needsIncident([record])
    ? buildIncident(x.incident, [record], {
        excerpt: s.excerpt,
        streamed: true,
        ...(s.cut ? { cutAt: s.released } : {}),
      })
    : undefined;
  o.end(streamDecision(x.screened, s.action, s.upstreamError !== undefined), incident);
}

/** A block wins; a stream the upstream broke is an error; else the worse of the request's and the completion's. */
function streamDecision(screened: Action, completion: Action, broken: boolean): Decision {
  if (completion === "block") return "block";
  return broken ? "error" : worst(screened, completion);
}

/** The response headers: SSE plus what middleware and the handler set on the context (request id, incident). */
function streamHeaders(c: Context<AppEnv>): Record<string, string> {
  const headers: Record<string, string> = {};
  c.res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { ...headers, ...SSE_HEADERS };
}

/** Counts (and logs, without content) an upstream response cut off at one of its limits. */
export function limitReporter(c: Context<AppEnv>, upstream: string): (limit: UpstreamLimit) => void {
  return (limit) => {
    c.var.deps.metrics.upstreamLimits.inc({ upstream, limit });
    c.var.log.warn({ upstream, limit }, "upstream response cut off at its limit");
  };
}

/** The decoder's caps for one upstream: one event (and so one line) at most `maxEventBytes`, counted when passed. */
function decoderLimits(limits: ResponseLimits, onLimit: (limit: UpstreamLimit) => void): SseDecoderOptions {
  return {
    maxEventBytes: limits.maxEventBytes,
    maxLineLength: limits.maxEventBytes,
    onLimit: () => onLimit("event"),
  };
}

/** The completion guard for one stream: the policy's stage and stream settings, plus the decoder's caps. */
function guardOptions(
  x: Exchange,
  policy: ResolvedPolicy,
  o: Pick<StreamGuardOptions, "renderer" | "onBlock" | "onEnd"> & { limits: SseDecoderOptions },
): StreamGuardOptions & SseDecoderOptions {
  const deps = x.c.var.deps;
  const sp = policy.stages.completion;
  return {
    ...o.limits,
    renderer: o.renderer,
    dialect: x.dialect.name,
    scorers: deps.screener.firstTier(sp).map((cl) => streamScorerFor(cl, x.request.conversation.prompt)),
    stage: sp,
    stream: policy.stream,
    metrics: deps.metrics,
    onBlock: o.onBlock,
    onEnd: o.onEnd,
  };
}

/** Sends the request upstream and checks that it answered with an event stream. */
async function callStreamingUpstream(x: Exchange, signal: AbortSignal): ReturnType<typeof callUpstream> {
  const called = await callUpstream(x, signal);
  if (called.res.contentType.includes("text/event-stream")) return called;
  // Destroying the body makes it emit an abort error: without a listener that would crash the process.
  called.res.body.on("error", () => undefined);
  called.res.body.destroy();
  throw new GatewayError(
    "upstream_bad_response",
    `upstream ${called.upstream.name} did not answer with an event stream`,
  );
}

/** The per-stream pieces both paths (guarded, pass-through) use. */
interface StreamContext {
  readonly x: Exchange;
  readonly upstream: string;
  readonly res: UpstreamResponse;
  readonly abort: AbortController;
  readonly end: StreamEnd;
  readonly onFirstChunk: () => void;
  readonly onReadError: (e: unknown) => void;
  readonly onLimit: (limit: UpstreamLimit) => void;
}

/**
 * Forwards a streaming request: the upstream's SSE through the completion guard (or passed through when the
 * completion stage is off). The outcome is recorded when the stream ends, or when the client leaves first.
 */
export async function forwardStream(x: Exchange, policy: ResolvedPolicy): Promise<Response> {
  const { c } = x;
  const abort = new AbortController();
  const abortUpstream = (): void => abort.abort();
  x.signal.addEventListener("abort", abortUpstream, { once: true });
  const { upstream, res, t0 } = await callStreamingUpstream(x, abort.signal);
  const end = trackStreamEnd(x, abortUpstream);
  const reportLimit = limitReporter(c, upstream.name);
  let broken = false;
  const s: StreamContext = {
    x,
    upstream: upstream.name,
    res,
    abort,
    end,
    onFirstChunk: () =>
      c.var.deps.metrics.upstreamTtft.observe({ upstream: upstream.name }, (performance.now() - t0) / 1000),
    onReadError: (e) => {
      // Our own abort (a block, or the client leaving) is not an upstream failure.
      if (abort.signal.aborted) return;
      broken = true;
      c.var.log.warn({ err: e, upstream: upstream.name }, "upstream stream read failed");
    },
    onLimit: (limit) => {
      broken = true;
      reportLimit(limit);
    },
  };
  const sp = policy.stages.completion;
  if (sp.enabled && sp.cascade.length > 0) return guardStream(s, policy);
  // Unguarded, the upstream body's close is the stream's end (the guard reports it otherwise).
  res.body.once("close", () => end(broken ? "error" : x.screened));
  return passThrough(s);
}

/**
 * The stream's outcome, recorded once: at its end, or as `client_closed` when the client leaves first. An incident
 * reported after that (a block settled after the client left) is still handed off.
 */
function trackStreamEnd(x: Exchange, abortUpstream: () => void): StreamEnd {
  let ended = false;
  const end: StreamEnd = (decision, incident) => {
    if (ended) {
      if (incident) recordOutcome(x.c, { incident, headSent: true });
      return;
    }
    ended = true;
    x.signal.removeEventListener("abort", abortUpstream);
    x.signal.removeEventListener("abort", left);
    recordOutcome(x.c, { decision, status: 200, incident, headSent: true });
  };
  function left(): void {
    end("client_closed");
  }
  if (x.signal.aborted) left();
  else x.signal.addEventListener("abort", left, { once: true });
  return end;
}

/** No completion stage: the upstream's bytes go through as they are (cut off, with an error end, past a limit). */
function passThrough(s: StreamContext): Response {
  const renderer = streamRenderer(s.x);
  return s.x.c.body(
    upstreamBodyStream(s.res.body, {
      abort: () => s.abort.abort(),
      onError: s.onReadError,
      onFirstChunk: s.onFirstChunk,
      limits: s.res.limits,
      onLimit: s.onLimit,
      errorEnd: (message) => renderer.renderErrorEnd(message),
    }),
    200,
    SSE_HEADERS,
  );
}

function streamRenderer(x: Exchange): StreamRenderer {
  return x.dialect.createStreamRenderer({
    model: x.request.model,
    fallbackId: `stream_${x.c.var.requestId}`,
    inputTokens: estimateInputTokens(x.request.conversation),
    includeUsage: x.request.includeUsage === true,
  });
}

/** The guarded stream: straight to the Node response over HTTP, one TransformStream under `app.request()`. */
function guardStream(s: StreamContext, policy: ResolvedPolicy): Response {
  const { x, res } = s;
  const { c } = x;
  const guard = guardOptions(x, policy, {
    renderer: streamRenderer(x),
    limits: decoderLimits(res.limits, s.onLimit),
    onBlock: () => s.abort.abort(),
    onEnd: (summary) => onGuardEnd(x, summary, { upstream: s.upstream, end: s.end }),
  });
  const outgoing = nodeResponse(c);
  if (outgoing === undefined) {
    const body = {
      abort: () => s.abort.abort(),
      onError: s.onReadError,
      onFirstChunk: s.onFirstChunk,
      limits: res.limits,
      onLimit: s.onLimit,
    };
    return c.body(
      upstreamBodyStream(res.body, body).pipeThrough(createSseGuardStream(guard)),
      200,
      SSE_HEADERS,
    );
  }
  outgoing.writeHead(200, streamHeaders(c));
  outgoing.flushHeaders();
  pumpSseToNode({
    outgoing,
    body: res.body,
    guard,
    clientGone: x.signal,
    abortUpstream: () => s.abort.abort(),
    onFirstChunk: s.onFirstChunk,
    onReadError: s.onReadError,
    onWriteError: (e) => c.var.log.error({ err: e }, "stream guard failed"),
    limits: res.limits,
    onLimit: (breach) => s.onLimit(breach.limit),
  });
  return RESPONSE_ALREADY_SENT;
}
