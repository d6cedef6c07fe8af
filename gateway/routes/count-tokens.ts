/**
 * `POST /v1/messages/count_tokens` (Anthropic): passed through to the upstream that serves the model. Nothing is
 * generated, so nothing is screened; the request still needs a key with the `chat` scope and obeys the body limit.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { anthropicDialect } from "../dialects/anthropic.ts";
import type { AppEnv } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { readJsonBody, validate } from "../http/json-body.ts";
import { clientGoneSignal, headerOf } from "../http/node-io.ts";
import { auth } from "../middleware/auth.ts";
import { readUpstreamBody, upstreamStatusError } from "../upstream/upstreams.ts";
import { limitReporter } from "./forward-stream.ts";
import { recordOutcome } from "./outcome.ts";

const bodySchema = z.looseObject({ model: z.string().min(1) });

export function registerCountTokensRoute(app: Hono<AppEnv>): void {
  app.post(
    "/v1/messages/count_tokens",
    async function setDialect(c, next) {
      c.set("dialect", anthropicDialect);
      await next();
    },
    auth({ scope: "chat" }),
    async function countTokens(c) {
      const deps = c.var.deps;
      const { text: raw, value } = await readJsonBody(c, { limit: deps.config.server.modelBodyLimitBytes });
      const { model } = validate(bodySchema, value);
      const route = deps.router.match(model, "anthropic");
      const upstream = route && deps.upstreams.get(route.upstream);
      if (!upstream)
        throw new GatewayError("unknown_model", `model "${model}" is not served by this gateway`);
      const signal = clientGoneSignal(c);
      const res = await upstream.call({
        path: c.req.path,
        body: raw,
        clientHeader: (name) => headerOf(c, name),
        requestId: c.var.requestId,
        signal,
      });
      if (res.status >= 400) throw await upstreamStatusError(upstream.name, res);
      const text = await readUpstreamBody(upstream.name, res, {
        signal,
        onLimit: limitReporter(c, upstream.name),
      });
      if (!isJson(text)) {
        throw new GatewayError(
          "upstream_bad_response",
          `upstream ${upstream.name} returned a body that is not JSON`,
        );
      }
      recordOutcome(c, { decision: "allow", status: 200 });
      return c.body(text, 200, { "content-type": JSON_TYPE });
    },
  );
}

const JSON_TYPE = "application/json";

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
