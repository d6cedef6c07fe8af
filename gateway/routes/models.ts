/**
 * `GET /v1/models` and `GET /v1/models/{id}` in the caller's dialect (both APIs use the same path; a request with
 * `anthropic-version` is an Anthropic client). The list comes from the routes (see `routing/model-list.ts`);
 * retrieve answers for any id a route would serve.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { Dialect } from "../../config/schema.ts";
import { anthropicDialect } from "../dialects/anthropic.ts";
import { openaiDialect } from "../dialects/openai.ts";
import type { AppEnv } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { headerOf } from "../http/node-io.ts";
import { auth } from "../middleware/auth.ts";
import { recordOutcome } from "./outcome.ts";

/** Anthropic SDKs always send `anthropic-version`; OpenAI SDKs never do. */
export function modelsDialect(c: Context<AppEnv>): Dialect {
  return headerOf(c, "anthropic-version") !== undefined ? "anthropic" : "openai";
}

const setDialect: MiddlewareHandler<AppEnv> = async function setDialect(c, next) {
  c.set("dialect", modelsDialect(c) === "anthropic" ? anthropicDialect : openaiDialect);
  await next();
};

const EPOCH = "1970-01-01T00:00:00Z";

function modelObject(dialect: Dialect, id: string): Record<string, unknown> {
  return dialect === "anthropic"
    ? { type: "model", id, display_name: id, created_at: EPOCH }
    : { id, object: "model", created: 0, owned_by: "system" };
}

function listBody(dialect: Dialect, ids: readonly string[]): Record<string, unknown> {
  const data = ids.map((id) => modelObject(dialect, id));
  return dialect === "anthropic"
    ? { data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null }
    : { object: "list", data };
}

export function registerModelRoutes(app: Hono<AppEnv>): void {
  app.get("/v1/models", setDialect, auth({ scope: "chat" }), async function listModels(c) {
    const dialect = c.var.dialect.name;
    const ids = await c.var.deps.modelList.ids(dialect);
    recordOutcome(c, { decision: "allow", status: 200 });
    return c.json(listBody(dialect, ids));
  });
  app.get("/v1/models/:id{.+}", setDialect, auth({ scope: "chat" }), function retrieveModel(c) {
    const dialect = c.var.dialect.name;
    const id = c.req.param("id");
    if (!c.var.deps.router.match(id, dialect)) {
      throw new GatewayError("not_found", `model "${id}" is not served by this gateway`);
    }
    recordOutcome(c, { decision: "allow", status: 200 });
    return c.json(modelObject(dialect, id));
  });
}
