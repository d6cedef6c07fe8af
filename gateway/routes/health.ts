/** `/livez` (process is up), `/readyz` (models loaded, not draining) and `/metrics` (Prometheus). */
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
