/**
 * `POST /v1/chat/completions` (OpenAI), `POST /v1/messages` (Anthropic) and `POST /v1/responses` (OpenAI Responses,
 * served by `openai` upstreams): authenticate, parse into a Conversation, route, screen the request, then refuse or
 * forward (JSON or guarded SSE).
 */
import type { Context, Hono } from "hono";
import type { StageRecord } from "../../contracts/incident.ts";
import { anthropicDialect } from "../dialects/anthropic.ts";
import { openaiDialect } from "../dialects/openai.ts";
import { responsesDialect } from "../dialects/responses.ts";
import { estimateInputTokens, refusalId, type Conversation, type DialectAdapter } from "../dialects/types.ts";
import type { AppEnv } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { buildIncident, needsIncident, type IncidentContext } from "../incidents/build.ts";
import type { Exchange } from "./exchange.ts";
import { readJsonBody } from "../http/json-body.ts";
import { clientGoneSignal, headerOf } from "../http/node-io.ts";
import { assertEndUserAllowed, identifyEndUser, type EndUser } from "../keys/end-user.ts";
import { auth } from "../middleware/auth.ts";
import { forwardJson } from "./forward-json.ts";
import { forwardStream } from "./forward-stream.ts";
import { recordOutcome } from "./outcome.ts";
import { screenRequest } from "./screen-request.ts";

function firstHeader(c: Context<AppEnv>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = headerOf(c, name);
    if (v !== undefined && v.trim() !== "") return v;
  }
  return undefined;
}

/**
 * The end user the request names (body field, else the configured header); refuses a throttled (429) or suspended
 * (403) end user of the key before anything is screened or forwarded.
 */
function admitEndUser(c: Context<AppEnv>, dialect: DialectAdapter, body: unknown): EndUser | undefined {
  const deps = c.var.deps;
  const endUser = identifyEndUser({
    keyId: c.var.key.id,
    dialect: dialect.name,
    body,
    header: firstHeader(c, deps.config.enforcement.endUserHeaders),
  });
  if (endUser) assertEndUserAllowed(deps.keys, c.var.key.id, endUser.hash);
  return endUser;
}

function refuse(x: Exchange, stages: StageRecord[]): Response {
  const { c, dialect, request } = x;
  const deps = c.var.deps;
  recordOutcome(c, { decision: "block", status: 200, incident: buildIncident(x.incident, stages) });
  const opts = {
    model: request.model,
    text: deps.config.refusal.text,
    id: refusalId(dialect.name),
    inputTokens: estimateInputTokens(request.conversation),
    includeUsage: request.includeUsage === true,
  };
  if (request.stream) {
    return c.body(dialect.refusalSse(opts), 200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
    });
  }
  return c.json(dialect.refusalJson(opts), 200);
}

/**
 * Every character of text a request carries is screened, so its text is bounded on its own (images and documents
 * sent as base64 are not text and do not count): past `server.maxScreenedChars` the request is refused (413) rather
 * than forwarded partly unscreened.
 */
function checkScreeningBudget(conversation: Conversation, max: number): void {
  let chars = 0;
  for (const t of conversation.turns) chars += t.text.length;
  if (chars > max) {
    throw new GatewayError(
      "body_too_large",
      `the request's text (${chars} characters) exceeds the ${max} characters this gateway screens per request`,
    );
  }
}

/** The route serving the model and the key's policy, refusing a model whose ASL is above the policy's. */
function routeAndPolicy(c: Context<AppEnv>, model: string, dialect: DialectAdapter) {
  const deps = c.var.deps;
  const route = deps.router.match(model, dialect.name);
  if (!route) throw new GatewayError("unknown_model", `model "${model}" is not served by this gateway`);
  const policy = deps.policies.get(c.var.key.policy);
  if (!policy) throw new GatewayError("internal", `policy "${c.var.key.policy}" is not loaded`);
  if (route.asl > policy.asl) {
    throw new GatewayError(
      "forbidden",
      `model "${model}" requires an ASL-${route.asl} policy; this key's policy "${policy.name}" is ASL-${policy.asl}`,
    );
  }
  return { route, policy };
}

function createHandler(dialect: DialectAdapter) {
  return async function completionHandler(c: Context<AppEnv>): Promise<Response> {
    const deps = c.var.deps;
    const { text: rawBody, value: body } = await readJsonBody(c, {
      limit: deps.config.server.modelBodyLimitBytes,
    });
    const request = dialect.parseRequest(body);
    checkScreeningBudget(request.conversation, deps.config.server.maxScreenedChars);
    const endUser = admitEndUser(c, dialect, body);
    const { route, policy } = routeAndPolicy(c, request.model, dialect);
    const key = c.var.key;
    const signal = clientGoneSignal(c);
    const incident: IncidentContext = {
      requestId: c.var.requestId,
      tenant: key.tenant,
      keyId: key.id,
      model: request.model,
      upstream: route.upstream,
      dialect: dialect.name,
      policy: { name: policy.name, version: policy.version },
      turns: request.conversation.turns,
      ...(endUser ? { userId: endUser.id, endUser: endUser.hash } : {}),
    };
    if (deps.config.log.content)
      c.var.log.debug({ prompt: request.conversation.prompt }, "prompt (log.content on)");
    const screening = await screenRequest(deps, policy, request.conversation, signal);
    const x: Exchange = {
      c,
      dialect,
      request,
      rawBody,
      upstreamName: route.upstream,
      policyName: policy.name,
      signal,
      incident,
      screened: screening.action,
    };
    if (screening.action === "block") return refuse(x, screening.stages);
    const flagged = needsIncident(screening.stages) ? buildIncident(incident, screening.stages) : undefined;
    // Handed off now, not at the end: a flag survives an upstream failure, and a stream's head can name it.
    if (flagged) recordOutcome(c, { incident: flagged });
    deps.deepScan?.submit(screening.uncertain, () => flagged ?? buildIncident(incident, screening.stages));
    return request.stream ? forwardStream(x, policy) : forwardJson(x, policy);
  };
}

/** Registers the completion routes of every client dialect (Chat Completions, Messages, Responses). */
export function registerCompletionRoutes(app: Hono<AppEnv>): void {
  for (const [path, dialect] of [
    ["/v1/chat/completions", openaiDialect],
    ["/v1/messages", anthropicDialect],
    ["/v1/responses", responsesDialect],
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
