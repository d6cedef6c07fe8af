/**
 * `POST /v1/chat/completions` (OpenAI) and `POST /v1/messages` (Anthropic): authenticate, parse into a
 * Conversation, route, screen the request, then refuse or forward (JSON or guarded SSE).
 */
import type { Context, Hono } from "hono";
import type { StageRecord } from "../../contracts/incident.ts";
import { anthropicDialect } from "../dialects/anthropic.ts";
import { openaiDialect } from "../dialects/openai.ts";
import { refusalId, type DialectAdapter } from "../dialects/types.ts";
import type { AppEnv } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { buildIncident, needsIncident } from "../incidents/build.ts";
import { publishIncident, type Exchange } from "./exchange.ts";
import { clientGoneSignal, headerOf, readBodyText } from "../http/node-io.ts";
import { auth } from "../middleware/auth.ts";
import { forwardJson } from "./forward-json.ts";
import { forwardStream } from "./forward-stream.ts";
import { screenRequest } from "./screen-request.ts";

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GatewayError("invalid_json", "request body is not valid JSON");
  }
}

function refuse(x: Exchange, stages: StageRecord[]): Response {
  const { c, dialect, request } = x;
  const deps = c.var.deps;
  const event = buildIncident(x.incident, stages);
  publishIncident(c, event);
  const headers: Record<string, string> = {};
  if (deps.config.server.incidentHeader) headers["x-portcullis-incident"] = event.id;
  const opts = {
    model: request.model,
    text: deps.config.refusal.text,
    id: refusalId(dialect.name),
  };
  deps.metrics.requests.inc({ route: dialect.name, dialect: dialect.name, decision: "block", status: "2xx" });
  if (request.stream) {
    return c.body(dialect.refusalSse(opts), 200, {
      ...headers,
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
    });
  }
  return c.json(dialect.refusalJson(opts), 200, headers);
}

function createHandler(dialect: DialectAdapter) {
  return async function completionHandler(c: Context<AppEnv>): Promise<Response> {
    const deps = c.var.deps;
    const rawBody = await readBodyText(c, deps.config.server.bodyLimitBytes);
    const request = dialect.parseRequest(parseJson(rawBody));
    const route = deps.router.match(request.model, dialect.name);
    if (!route)
      throw new GatewayError("unknown_model", `model "${request.model}" is not served by this gateway`);
    const key = c.var.key;
    const policy = deps.policies.get(key.policy);
    if (!policy) throw new GatewayError("internal", `policy "${key.policy}" is not loaded`);
    if (route.asl > policy.asl) {
      throw new GatewayError(
        "forbidden",
        `model "${request.model}" requires an ASL-${route.asl} policy; this key's policy "${policy.name}" is ASL-${policy.asl}`,
      );
    }
    const userId = headerOf(c, "x-portcullis-user") ?? headerOf(c, "x-user-id");
    const x: Exchange = {
      c,
      dialect,
      request,
      rawBody,
      upstreamName: route.upstream,
      policyName: policy.name,
      signal: clientGoneSignal(c),
      incident: {
        requestId: c.var.requestId,
        tenant: key.tenant,
        keyId: key.id,
        model: request.model,
        upstream: route.upstream,
        dialect: dialect.name,
        policy: { name: policy.name, version: policy.version },
        turns: request.conversation.turns,
        ...(userId !== undefined ? { userId: userId.slice(0, 128) } : {}),
      },
    };
    if (deps.config.log.content)
      c.var.log.debug({ prompt: request.conversation.prompt }, "prompt (log.content on)");
    const screening = await screenRequest(deps, policy, request.conversation, x.signal);
    if (screening.action === "block") return refuse(x, screening.stages);
    const flagged = needsIncident(screening.stages) ? buildIncident(x.incident, screening.stages) : undefined;
    if (flagged) publishIncident(c, flagged);
    deps.deepScan?.submit(screening.uncertain, () => flagged ?? buildIncident(x.incident, screening.stages));
    if (flagged && deps.config.server.incidentHeader) c.header("x-portcullis-incident", flagged.id);
    return request.stream ? forwardStream(x, policy) : forwardJson(x, policy);
  };
}

/** Registers both dialects' completion routes. */
export function registerCompletionRoutes(app: Hono<AppEnv>): void {
  for (const [path, dialect] of [
    ["/v1/chat/completions", openaiDialect],
    ["/v1/messages", anthropicDialect],
  ] as const) {
    app.post(
      path,
      async function setDialect(c, next) {
        c.set("dialect", dialect);
        await next();
      },
      auth({ scope: "chat" }),
      createHandler(dialect),
    );
  }
}
