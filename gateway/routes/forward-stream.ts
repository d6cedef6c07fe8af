/**
 * Forwards a streaming request: upstream bytes -> SSE parser -> stream guard -> client bytes, composed as Web
 * TransformStreams. Cancellation both ways: the client leaving cancels the pipeline, which aborts the upstream; a
 * block aborts the upstream and ends the client stream as a refusal.
 */
import { GatewayError } from "../errors.ts";
import { buildIncident, needsIncident } from "../incidents/build.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";
import { createSseGuardStream, type StreamSummary } from "../stream/guard.ts";
import { streamScorerFor } from "../stream/scorers.ts";
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
    buildIncident(x.incident, "completion", [record], {
      excerpt: s.excerpt,
      streamed: true,
      ...(s.cut ? { cutAt: s.released } : {}),
    }),
  );
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
  const bytes = upstreamBodyStream(res.body, {
    abort: () => abort.abort(),
    onFirstChunk: () =>
      deps.metrics.upstreamTtft.observe({ upstream: upstream.name }, (performance.now() - t0) / 1000),
    onError: (e) => {
      // Our own abort (a block, or the client leaving) is not an upstream failure.
      if (!abort.signal.aborted)
        c.var.log.warn({ err: e, upstream: upstream.name }, "upstream stream read failed");
    },
  });
  const sp = policy.stages.completion;
  if (!sp.enabled || sp.cascade.length === 0) {
    return c.body(bytes, 200, SSE_HEADERS);
  }
  const guard = createSseGuardStream({
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
  });
  return c.body(bytes.pipeThrough(guard), 200, SSE_HEADERS);
}
