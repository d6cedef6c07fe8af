/** `GET /v1/models`: the concrete model names the routes serve (glob routes are listed by their pattern). */
import type { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { openaiDialect } from "../dialects/openai.ts";

export function registerModelRoutes(app: Hono<AppEnv>): void {
  app.get(
    "/v1/models",
    async function setDialect(c, next) {
      c.set("dialect", openaiDialect);
      await next();
    },
    auth({ scope: "chat" }),
    function listModels(c) {
      const router = c.var.deps.router;
      const ids = [...new Set([...router.patterns("openai"), ...router.patterns("anthropic")])];
      return c.json({
        object: "list",
        data: ids.map((id) => ({ id, object: "model", created: 0, owned_by: "portcullis" })),
      });
    },
  );
}
