/**
 * `/livez` (the process answers), `/readyz` and `/metrics` (Prometheus). `/readyz` is 200 once the models are
 * loaded and the server listens, while the supervised worker process is healthy (when there is one) and, with
 * `server.readyWhenRedisDown: false`, while Redis takes commands; 503 otherwise, and from the first moment of a
 * drain (SIGTERM). The conditions are composed in `gateway/main.ts` behind `deps.ready()`.
 */
import type { Hono } from "hono";
import type { AppEnv } from "../env.ts";

export function registerHealthRoutes(app: Hono<AppEnv>): void {
  app.get("/livez", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) =>
    c.var.deps.ready() ? c.json({ status: "ready" }) : c.json({ status: "not ready" }, 503),
  );
  app.get("/metrics", async (c) => {
    const registry = c.var.deps.metrics.registry;
    return c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
  });
}
