/**
 * `createApp(deps)`: the gateway's Hono app. Routes throw `GatewayError`; `onError` is the only place that formats
 * an error body, in the client's dialect (the route's; before a route sets it, Anthropic on `/v1/messages`, else
 * OpenAI).
 */
import { Hono, type Context } from "hono";
import { anthropicDialect } from "./dialects/anthropic.ts";
import { openaiDialect } from "./dialects/openai.ts";
import type { DialectAdapter } from "./dialects/types.ts";
import type { AppEnv, Deps } from "./env.ts";
import { GatewayError, retryAfterOf, toGatewayError } from "./errors.ts";
import { headerOf } from "./http/node-io.ts";
import { bodyLimit } from "./middleware/body-limit.ts";
import { requestContext } from "./middleware/request-context.ts";
import { registerClassifyRoutes } from "./routes/classify.ts";
import { registerCompletionRoutes } from "./routes/completions.ts";
import { registerCountTokensRoute } from "./routes/count-tokens.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { registerModelRoutes } from "./routes/models.ts";
import { recordOutcome } from "./routes/outcome.ts";

/**
 * Whether an upstream's error body is in the client's dialect error shape and can be passed on as it is: `error`
 * is an object with string `message` and `type` (and, for Anthropic, the body's `type` is "error"). Anything else
 * - `{"error":"string"}`, the other dialect's shape - is replaced by the gateway's own error in the dialect.
 */
function isDialectErrorBody(body: unknown, dialect: DialectAdapter["name"]): boolean {
  if (typeof body !== "object" || body === null) return false;
  const { error, type } = body as { error?: unknown; type?: unknown };
  if (typeof error !== "object" || error === null) return false;
  const e = error as { message?: unknown; type?: unknown };
  return (
    typeof e.message === "string" &&
    typeof e.type === "string" &&
    (dialect !== "anthropic" || type === "error")
  );
}

/** Paths whose dialect is OpenAI's whatever headers the client sends. */
const OPENAI_PATHS: ReadonlySet<string> = new Set(["/v1/chat/completions", "/v1/responses", "/v1/classify"]);

/**
 * The dialect of an error raised before a route set one (the body limit runs before every route, and unknown paths
 * have no route): the path's where it has one (Anthropic under `/v1/messages`, OpenAI on the OpenAI endpoints),
 * else Anthropic for clients that send `anthropic-version` (`/v1/models`, unknown paths), else OpenAI.
 */
function requestDialect(c: Context<AppEnv>): DialectAdapter {
  const path = c.req.path;
  if (path === "/v1/messages" || path.startsWith("/v1/messages/")) return anthropicDialect;
  if (OPENAI_PATHS.has(path)) return openaiDialect;
  return headerOf(c, "anthropic-version") !== undefined ? anthropicDialect : openaiDialect;
}

function renderError(c: Context<AppEnv>, e: unknown): Response {
  const dialect = c.var.dialect ?? requestDialect(c);
  const ge = toGatewayError(e);
  if (ge.code === "internal") c.var.log?.error({ err: e }, "unhandled error");
  else if (ge.code === "client_closed") c.var.log?.debug("client closed the request");
  else c.var.log?.info({ code: ge.code, status: ge.status }, "request refused");
  const decision = ge.code === "client_closed" ? "client_closed" : "error";
  recordOutcome(c, { decision, status: ge.status, dialect: dialect.name });
  const body = isDialectErrorBody(ge.upstreamBody, dialect.name)
    ? ge.upstreamBody
    : dialect.errorBody(ge.code, ge.status, ge.message);
  const retryAfter = retryAfterOf(ge);
  if (retryAfter !== undefined) c.header("retry-after", retryAfter);
  return c.json(body as object, ge.status as 400);
}

/** Builds the app over already-constructed dependencies. Connects and loads nothing itself. */
export function createApp(deps: Deps, extra: ((app: Hono<AppEnv>) => void)[] = []): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestContext(deps));
  const { bodyLimitBytes, modelBodyLimitBytes } = deps.config.server;
  app.use(bodyLimit({ maxBytes: bodyLimitBytes, modelMaxBytes: modelBodyLimitBytes }));
  registerHealthRoutes(app);
  registerModelRoutes(app);
  registerCompletionRoutes(app);
  registerCountTokensRoute(app);
  registerClassifyRoutes(app);
  for (const register of extra) register(app);
  app.notFound((c) =>
    renderError(c, new GatewayError("not_found", `no route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((e, c) => renderError(c, e));
  return app;
}
