/** Forwards a non-streaming request, screens the completion together with its prompt, and passes or refuses. */
import type { IncidentEvent, StageRecord } from "../../contracts/incident.ts";
import type { ResolvedPolicy } from "../screening/policy.ts";
import { estimateInputTokens, refusalId } from "../dialects/types.ts";
import { GatewayError } from "../errors.ts";
import { buildIncident, needsIncident } from "../incidents/build.ts";
import { readUpstreamBody } from "../upstream/upstreams.ts";
import { worst } from "../screening/decide.ts";
import { callUpstream, type Exchange } from "./exchange.ts";
import { limitReporter } from "./forward-stream.ts";
import { recordOutcome } from "./outcome.ts";
import { countDecisions } from "./screen-request.ts";

/** Forwards `x` upstream and answers with the upstream's JSON body or, when the completion is blocked, a refusal. */
export async function forwardJson(x: Exchange, policy: ResolvedPolicy): Promise<Response> {
  const { c, dialect, request } = x;
  const deps = c.var.deps;
  const { upstream, res } = await callUpstream(x, x.signal);
  // Never more than the upstream's `maxResponseBytes` is held, nor read for longer than `maxResponseSeconds`.
  const text = await readUpstreamBody(upstream.name, res, {
    signal: x.signal,
    onLimit: limitReporter(c, upstream.name),
  });
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
  const stage = await screenCompletion(x, policy, body);
  const decision = stage ? worst(x.screened, stage.record.action) : x.screened;
  recordOutcome(c, { decision, status: 200, incident: stage?.incident });
  if (decision === "block") {
    const id = refusalId(dialect.name);
    const inputTokens = upstreamInputTokens(body) ?? estimateInputTokens(request.conversation);
    const refusal = { model: request.model, text: deps.config.refusal.text, id, inputTokens };
    return c.json(dialect.refusalJson(refusal), 200);
  }
  // Pass the upstream bytes through unchanged: no re-serialisation on the hot path.
  // The body parsed as JSON above: say so, whatever the upstream labelled it (SDKs parse by content type).
  const type = res.contentType.startsWith("application/json") ? res.contentType : "application/json";
  return c.body(text, 200, { "content-type": type });
}

/** Screens a JSON completion with its prompt (when the completion stage is on), and builds its incident if any. */
async function screenCompletion(
  x: Exchange,
  policy: ResolvedPolicy,
  body: unknown,
): Promise<{ record: StageRecord; incident: IncidentEvent | undefined } | undefined> {
  const deps = x.c.var.deps;
  const sp = policy.stages.completion;
  if (!sp.enabled || sp.cascade.length === 0) return undefined;
  const completion = x.dialect.completionText(body);
  const input = { stage: "completion" as const, text: completion, context: x.request.conversation.prompt };
  const record = await deps.screener.runStage("completion", sp, input, x.signal);
  countDecisions(deps, [record]);
  const incident = needsIncident([record])
    ? buildIncident(x.incident, [record], { excerpt: completion.slice(0, 16_384), streamed: false })
    : undefined;
  return { record, incident };
}

/** The input tokens the upstream reported for a JSON response (any dialect's usage), when it did. */
function upstreamInputTokens(body: unknown): number | undefined {
  const usage = typeof body === "object" && body !== null ? (body as { usage?: unknown }).usage : undefined;
  if (typeof usage !== "object" || usage === null) return undefined;
  const u = usage as { prompt_tokens?: unknown; input_tokens?: unknown };
  const n = u.prompt_tokens ?? u.input_tokens;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : undefined;
}
