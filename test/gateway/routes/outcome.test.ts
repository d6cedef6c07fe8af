/**
 * `recordOutcome` (CONVENTIONS 12): the endpoint label from a fixed set, one count and one duration per ending and
 * none for an incident raised on the way, every incident published and counted by action, and the
 * `x-portcullis-incident` header as `server.incidentHeader` allows - never once the head is out.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { IncidentEvent } from "../../../contracts/incident.ts";
import { anthropicDialect } from "../../../gateway/dialects/anthropic.ts";
import type { AppEnv, Deps } from "../../../gateway/env.ts";
import { createMetrics } from "../../../gateway/observability/metrics.ts";
import { recordOutcome, routeOf, type Outcome } from "../../../gateway/routes/outcome.ts";
import { parseExposition, sumOf, type Samples } from "../../helpers/metrics.ts";

type HeaderMode = "refusals" | "all" | "off";

function event(action: IncidentEvent["action"]): IncidentEvent {
  return { id: `inc_${action}`, action } as IncidentEvent;
}

/** An app whose one route records `outcome` under `path`, with deps just big enough for `recordOutcome`. */
function harness(mode: HeaderMode) {
  const metrics = createMetrics({ collectDefaults: false });
  const published: IncidentEvent[] = [];
  const deps = {
    metrics,
    config: { server: { incidentHeader: mode } },
    incidents: { publish: (e: IncidentEvent) => (published.push(e), Promise.resolve()) },
  } as unknown as Deps;
  const app = new Hono<AppEnv>();
  let outcome: Outcome | undefined;
  app.use(async (c, next) => {
    c.set("startedAt", performance.now() - 250);
    c.set("deps", deps);
    c.set("dialect", anthropicDialect);
    await next();
  });
  app.all("*", (c) => {
    if (outcome) recordOutcome(c, outcome);
    return c.text("ok");
  });
  return {
    published,
    async send(path: string, o: Outcome): Promise<{ incident: string | null; samples: Samples }> {
      outcome = o;
      const res = await app.request(path, { method: "POST" });
      const samples = parseExposition(await metrics.registry.metrics());
      return { incident: res.headers.get("x-portcullis-incident"), samples };
    },
  };
}

describe("routeOf", () => {
  it.each([
    ["/v1/chat/completions", "chat_completions"],
    ["/v1/responses", "responses"],
    ["/v1/messages", "messages"],
    ["/v1/messages/count_tokens", "count_tokens"],
    ["/v1/models", "models"],
    ["/v1/models/claude-sonnet-4-5", "models"],
    ["/v1/classify", "classify"],
    ["/v1/messages/batches", "other"],
    ["/review/login", "other"],
    ["/v1/chat/completions/extra", "other"],
  ])("%s -> %s", (path, route) => {
    expect(routeOf(path)).toBe(route);
  });
});

describe("recordOutcome", () => {
  it("counts an ending once under endpoint, dialect, decision and status class, and observes its duration", async () => {
    const h = harness("refusals");
    const { samples } = await h.send("/v1/messages", { decision: "flag", status: 200 });
    const labels = { route: "messages", dialect: "anthropic" };
    expect(sumOf(samples, "portcullis_requests_total", { ...labels, decision: "flag", status: "2xx" })).toBe(
      1,
    );
    expect(sumOf(samples, "portcullis_requests_total")).toBe(1);
    expect(sumOf(samples, "portcullis_request_duration_seconds_count", labels)).toBe(1);
    expect(sumOf(samples, "portcullis_request_duration_seconds_sum", labels)).toBeGreaterThanOrEqual(0.25);
  });

  it("takes the dialect label it is given (an error no route claimed) and the status class", async () => {
    const h = harness("refusals");
    const { samples } = await h.send("/nowhere", { decision: "error", status: 404, dialect: "openai" });
    expect(
      sumOf(samples, "portcullis_requests_total", {
        route: "other",
        dialect: "openai",
        decision: "error",
        status: "4xx",
      }),
    ).toBe(1);
  });

  it("hands off an incident raised on the way without counting the request", async () => {
    const h = harness("refusals");
    const { samples, incident } = await h.send("/v1/chat/completions", { incident: event("flag") });
    expect(h.published.map((e) => e.id)).toEqual(["inc_flag"]);
    expect(sumOf(samples, "portcullis_incidents_total", { action: "flag" })).toBe(1);
    expect(sumOf(samples, "portcullis_requests_total")).toBe(0);
    expect(sumOf(samples, "portcullis_request_duration_seconds_count")).toBe(0);
    expect(incident).toBeNull();
  });

  it.each<[HeaderMode, Outcome, boolean]>([
    ["refusals", { decision: "block", status: 200, incident: event("block") }, true],
    ["refusals", { decision: "flag", status: 200, incident: event("flag") }, false],
    ["refusals", { incident: event("flag") }, false],
    ["refusals", { decision: "block", status: 200, incident: event("block"), headSent: true }, false],
    ["all", { decision: "flag", status: 200, incident: event("flag") }, true],
    ["all", { incident: event("shadow") }, true],
    ["all", { incident: event("flag"), headSent: true }, false],
    ["off", { decision: "block", status: 200, incident: event("block") }, false],
  ])("incidentHeader %s, %j: header %s", async (mode, outcome, header) => {
    const h = harness(mode);
    const { incident, samples } = await h.send("/v1/chat/completions", outcome);
    expect(incident).toBe(header ? outcome.incident?.id : null);
    // Published and counted whether or not the client is told.
    expect(h.published).toHaveLength(1);
    expect(sumOf(samples, "portcullis_incidents_total")).toBe(1);
  });
});
