/** Forwards a non-streaming request, screens the completion together with its prompt, and passes or refuses. */
import type { ResolvedPolicy } from "../screening/policy.ts";
import { refusalId } from "../dialects/types.ts";
import { GatewayError } from "../errors.ts";
import { buildIncident, needsIncident } from "../incidents/build.ts";
import { callUpstream, publishIncident, type Exchange } from "./exchange.ts";
import { countDecisions } from "./screen-request.ts";

export async function forwardJson(x: Exchange, policy: ResolvedPolicy): Promise<Response> {
  const { c, dialect, request } = x;
  const deps = c.var.deps;
  const { upstream, res } = await callUpstream(x, x.signal);
  const text = await res.body.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    deps.metrics.upstreamErrors.inc({ upstream: upstream.name, kind: "body" });
    throw new GatewayError(
      "upstream_bad_response",
      `upstream ${upstream.name} returned a body that is not JSON`,
    );
  }
  const sp = policy.stages.completion;
  if (sp.enabled && sp.cascade.length > 0) {
    const completion = dialect.completionText(body);
    const stage = await deps.screener.runStage(
      "completion",
      sp,
      { stage: "completion", text: completion, context: request.conversation.prompt },
      x.signal,
    );
    countDecisions(deps, [stage]);
    if (needsIncident([stage])) {
      const event = buildIncident(x.incident, [stage], {
        excerpt: completion.slice(0, 16_384),
        streamed: false,
      });
      publishIncident(c, event);
      if (deps.config.server.incidentHeader) c.header("x-portcullis-incident", event.id);
      if (stage.action === "block") {
        deps.metrics.requests.inc({
          route: dialect.name,
          dialect: dialect.name,
          decision: "block",
          status: "2xx",
        });
        const id = refusalId(dialect.name);
        return c.json(dialect.refusalJson({ model: request.model, text: deps.config.refusal.text, id }), 200);
      }
    }
  }
  deps.metrics.requests.inc({ route: dialect.name, dialect: dialect.name, decision: "allow", status: "2xx" });
  // Pass the upstream bytes through unchanged: no re-serialisation on the hot path.
  return c.body(text, 200, { "content-type": res.contentType || "application/json" });
}
