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
import { GatewayError } from "./errors.ts";
import { bodyLimit } from "./middleware/body-limit.ts";
import { requestContext } from "./middleware/request-context.ts";
import { registerClassifyRoutes } from "./routes/classify.ts";
import { registerCompletionRoutes } from "./routes/completions.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { registerModelRoutes } from "./routes/models.ts";

function isDialectErrorBody(body: unknown): boolean {
  return typeof body === "object" && body !== null && "error" in body;
}

function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** The dialect of an error raised before a route set one (the body limit runs before every route). */
function pathDialect(path: string): DialectAdapter {
  return path === "/v1/messages" ? anthropicDialect : openaiDialect;
}

function renderError(c: Context<AppEnv>, e: unknown): Response {
  const dialect = c.var.dialect ?? pathDialect(c.req.path);
  const ge =
    e instanceof GatewayError
      ? e
      : e instanceof Error && e.name === "AbortError"
        ? new GatewayError("client_closed", "the client closed the request", { cause: e })
        : new GatewayError("internal", "internal error in the gateway", { cause: e });
  if (ge.code === "internal") c.var.log?.error({ err: e }, "unhandled error");
  else if (ge.code === "client_closed") c.var.log?.debug("client closed the request");
  else c.var.log?.info({ code: ge.code, status: ge.status }, "request refused");
  c.var.deps?.metrics.requests.inc({
    route: c.var.dialect?.name ?? "other",
    dialect: dialect.name,
    decision: "error",
    status: statusClass(ge.status),
  });
  const body = isDialectErrorBody(ge.upstreamBody)
    ? ge.upstreamBody
    : dialect.errorBody(ge.code, ge.status, ge.message);
  return c.json(body as object, ge.status as 400);
}

/** Builds the app over already-constructed dependencies. Connects and loads nothing itself. */
export function createApp(deps: Deps, extra: ((app: Hono<AppEnv>) => void)[] = []): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestContext(deps));
  app.use(bodyLimit({ maxBytes: deps.config.server.bodyLimitBytes }));
  registerHealthRoutes(app);
  registerModelRoutes(app);
  registerCompletionRoutes(app);
  registerClassifyRoutes(app);
  for (const register of extra) register(app);
  app.notFound((c) =>
    renderError(c, new GatewayError("not_found", `no route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((e, c) => renderError(c, e));
  return app;
}
