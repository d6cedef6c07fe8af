/**
 * `portcullis_requests_in_flight` (the request middleware and `recordOutcome`): through the gateway's own app, a
 * request counts from its arrival until it ends and leaves exactly once however it ends - an answer that records
 * its end, one that records none (a probe), an error, an unknown path, a stream that ends long after its handler
 * returned, and a client that leaves a stream that never records an end - under `app.request()` and over HTTP.
 */
import { serve, type ServerType } from "@hono/node-server";
import type { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../gateway/app.ts";
import type { AppEnv, Deps } from "../../../gateway/env.ts";
import { GatewayError } from "../../../gateway/errors.ts";
import { createMetrics } from "../../../gateway/observability/metrics.ts";
import { recordOutcome } from "../../../gateway/routes/outcome.ts";
import { waitFor } from "../../helpers/review.ts";

interface Gate {
  readonly passed: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open = (): void => undefined;
  const passed = new Promise<void>((res) => (open = res));
  return { passed, open };
}

const metrics = createMetrics({ collectDefaults: false });
const deps = {
  config: { server: { bodyLimitBytes: 65_536, modelBodyLimitBytes: 65_536, incidentHeader: "refusals" } },
  logger: pino({ level: "silent" }),
  metrics,
  ready: () => true,
} as unknown as Deps;

/** What the next `/test/*` request waits on (set by each test). */
let wait: Gate = gate();
const SSE = { "content-type": "text/event-stream" };

/** Routes shaped like the gateway's: a JSON answer and a stream that record their end, and a stream that never does. */
function testRoutes(app: Hono<AppEnv>): void {
  app.post("/test/json", async (c) => {
    await wait.passed;
    recordOutcome(c, { decision: "allow", status: 200, dialect: "openai" });
    return c.json({ ok: true });
  });
  app.post("/test/stream", (c) => {
    const released = wait.passed;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode("data: first\n\n"));
        await released;
        controller.enqueue(new TextEncoder().encode("data: [DONE]\n\n"));
        recordOutcome(c, { decision: "allow", status: 200, headSent: true, dialect: "openai" });
        controller.close();
      },
    });
    return c.body(body, 200, SSE);
  });
  app.post("/test/endless", (c) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("data: first\n\n"));
      },
    });
    return c.body(body, 200, SSE);
  });
  app.post("/test/throws", () => {
    throw new GatewayError("unavailable", "not now");
  });
}

const app = createApp(deps, [testRoutes]);

async function inFlight(route = "other"): Promise<number> {
  const { values } = await metrics.requestsInFlight.get();
  return values.filter((v) => v.labels.route === route).reduce((a, v) => a + v.value, 0);
}

describe("requests in flight under app.request()", () => {
  it("counts JSON requests while they run and not after, however many at once", async () => {
    wait = gate();
    const pending = [1, 2, 3].map(async () => app.request("/test/json", { method: "POST" }));
    await waitFor(async () => ((await inFlight()) === 3 ? true : undefined), 2_000, 5);
    wait.open();
    for (const res of await Promise.all(pending)) expect(res.status).toBe(200);
    expect(await inFlight()).toBe(0);
  });

  it("takes out requests that record no end, errors and unknown paths exactly once", async () => {
    expect((await app.request("/livez")).status).toBe(200);
    expect((await app.request("/test/throws", { method: "POST" })).status).toBe(503);
    expect((await app.request("/nowhere")).status).toBe(404);
    expect(await inFlight()).toBe(0);
  });

  it("keeps a stream in flight after its handler returned, until its end is recorded", async () => {
    wait = gate();
    const res = await app.request("/test/stream", { method: "POST" });
    expect(res.status).toBe(200);
    expect(await inFlight()).toBe(1);
    wait.open();
    expect(await res.text()).toContain("[DONE]");
    expect(await inFlight()).toBe(0);
  });
});

describe("requests in flight over HTTP", () => {
  let server: ServerType;
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((res) => {
      server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) => {
        url = `http://127.0.0.1:${info.port}`;
        res();
      });
    });
  });
  afterAll(
    () =>
      new Promise<void>((res) => {
        server.close(() => res());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  );

  it("counts a stream until its end, once although both its recorded end and its response's close count", async () => {
    wait = gate();
    const res = await fetch(`${url}/test/stream`, { method: "POST" });
    const reader = res.body?.getReader();
    await reader?.read();
    expect(await inFlight()).toBe(1);
    wait.open();
    while (!(await reader?.read())?.done);
    await waitFor(async () => ((await inFlight()) === 0 ? true : undefined), 2_000, 10);
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(await inFlight()).toBe(0);
  });

  it("takes out a stream that records no end when its client leaves", async () => {
    const ac = new AbortController();
    const res = await fetch(`${url}/test/endless`, { method: "POST", signal: ac.signal });
    await res.body?.getReader().read();
    expect(await inFlight()).toBe(1);
    ac.abort();
    await waitFor(async () => ((await inFlight()) === 0 ? true : undefined), 2_000, 10);
  });
});
