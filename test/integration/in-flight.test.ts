/**
 * `portcullis_requests_in_flight{route}` on a real gateway in front of a slow demo upstream (40 ms per token): a
 * request is counted under its endpoint while it runs - a stream until its last event, long after its handler
 * returned - and leaves exactly once however it ends: a stream or a JSON answer that completes, a client that leaves
 * mid-stream, an upstream that breaks mid-stream or fails before it. Probes and scrapes count under `other` and
 * leave too, so the gauge the HPA scales on does not creep.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricValue } from "../helpers/metrics.ts";
import {
  startGateway,
  startDemoUpstreamProcess,
  testConfig,
  type RunningProcess,
} from "../helpers/processes.ts";
import { waitFor } from "../helpers/review.ts";

const GAUGE = "portcullis_requests_in_flight";
let mock: RunningProcess;
let gateway: RunningProcess;

beforeAll(async () => {
  mock = await startDemoUpstreamProcess(["--token-delay-ms", "40"]);
  gateway = await startGateway({ config: testConfig(mock.url), args: ["--no-workers"] });
});
afterAll(async () => {
  await gateway?.stop();
  await mock?.stop();
});

type Route = "chat_completions" | "messages";

function post(route: Route, model: string, o: { stream: boolean; signal?: AbortSignal }): Promise<Response> {
  const anthropic = route === "messages";
  return fetch(`${gateway.url}/v1/${anthropic ? "messages" : "chat/completions"}`, {
    method: "POST",
    headers: {
      authorization: "Bearer test-key",
      "content-type": "application/json",
      ...(anthropic ? { "anthropic-version": "2023-06-01" } : {}),
    },
    body: JSON.stringify({
      model,
      stream: o.stream,
      max_tokens: 256,
      messages: [{ role: "user", content: "How do I bake sourdough bread?" }],
    }),
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

const inFlight = (route: string): Promise<number> => metricValue(gateway.url, GAUGE, { route });

/** Waits until the gauge reads `n` under `route` (a client that left is noticed a moment later). */
async function settlesAt(route: string, n: number): Promise<void> {
  await waitFor(async () => ((await inFlight(route)) === n ? true : undefined), 3_000, 20);
}

async function drain(res: Response): Promise<string> {
  return new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()));
}

describe("requests in flight", () => {
  it("counts slow streams under their endpoint until their last event", async () => {
    const chat = await post("chat_completions", "mock-benign", { stream: true });
    const messages = await post("messages", "mock-benign", { stream: true });
    const reader = chat.body?.getReader();
    await reader?.read();
    expect(await inFlight("chat_completions")).toBe(1);
    expect(await inFlight("messages")).toBe(1);
    let text = "";
    for (let r = await reader?.read(); r && !r.done; r = await reader?.read())
      text += new TextDecoder().decode(r.value);
    expect(text).toContain("data: [DONE]");
    await settlesAt("chat_completions", 0);
    expect(await drain(messages)).toContain("message_stop");
    await settlesAt("messages", 0);
  });

  it("counts a slow JSON answer while the upstream works on it", async () => {
    const pending = post("chat_completions", "mock-benign", { stream: false });
    await settlesAt("chat_completions", 1);
    expect((await pending).status).toBe(200);
    await settlesAt("chat_completions", 0);
  });

  it("takes out a stream whose client leaves mid-stream", async () => {
    const ac = new AbortController();
    const res = await post("messages", "mock-stall-stream", { stream: true, signal: ac.signal });
    await res.body?.getReader().read();
    expect(await inFlight("messages")).toBe(1);
    ac.abort();
    await settlesAt("messages", 0);
  });

  it("takes out streams the upstream breaks mid-stream or fails before they start", async () => {
    const dropped = await post("chat_completions", "mock-drop", { stream: true });
    expect(dropped.status).toBe(200);
    expect(await drain(dropped)).toContain('data: {"error"');
    await settlesAt("chat_completions", 0);
    const failed = await post("messages", "mock-error-500", { stream: true });
    expect(failed.status).toBe(500);
    await failed.arrayBuffer();
    await settlesAt("messages", 0);
  });

  it("counts probes, scrapes and unknown paths under other, and lets them go", async () => {
    for (const path of ["/livez", "/readyz", "/v1/nothing-here", "/metrics"])
      await (await fetch(gateway.url + path)).text();
    // The scrape that reads the gauge is itself in flight.
    expect(await inFlight("other")).toBe(1);
    for (const route of ["chat_completions", "messages", "responses", "classify", "models", "count_tokens"])
      expect(await inFlight(route), route).toBe(0);
  });
});
