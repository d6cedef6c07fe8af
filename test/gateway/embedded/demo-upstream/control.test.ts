import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDemoUpstream } from "../../../../gateway/embedded/demo-upstream/server.ts";
import type {
  DemoUpstreamStats,
  DemoUpstream,
  RecordedRequest,
} from "../../../../gateway/embedded/demo-upstream/server.ts";

let mock: DemoUpstream;

beforeAll(async () => {
  mock = await startDemoUpstream({ port: 0 });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.reset();
});

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

describe("demo upstream control endpoints and routing", () => {
  it("reports stats and recorded requests over HTTP, and resets", async () => {
    const chat = JSON.stringify({ model: "gpt", messages: [{ role: "user", content: "hi" }] });
    await post(`${mock.url}/v1/chat/completions?trace=1`, chat, { authorization: "Bearer upstream-secret" });
    const stats = (await (await fetch(`${mock.url}/__mock/stats`)).json()) as DemoUpstreamStats;
    expect(stats).toEqual({ requests: 1, completed: 1, aborted: 0 });
    const requests = (await (await fetch(`${mock.url}/__mock/requests`)).json()) as RecordedRequest[];
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions?trace=1",
      body: { model: "gpt" },
    });
    expect(requests[0]?.headers["authorization"]).toBe("Bearer upstream-secret");
    const reset = await post(`${mock.url}/__mock/reset`, "");
    expect(reset.status).toBe(200);
    expect(mock.stats).toEqual({ requests: 0, completed: 0, aborted: 0 });
    expect(mock.requests).toEqual([]);
  });

  it("answers 404 for unknown paths and 400 for invalid JSON in the dialect's shape", async () => {
    const missing = await fetch(`${mock.url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { type: "not_found_error" } });
    const badOpenAI = await post(`${mock.url}/v1/chat/completions`, "{not json");
    expect(badOpenAI.status).toBe(400);
    expect(await badOpenAI.json()).toMatchObject({ error: { type: "invalid_request_error", code: null } });
    const badAnthropic = await post(`${mock.url}/v1/messages`, "");
    expect(badAnthropic.status).toBe(400);
    expect(await badAnthropic.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error" },
    });
    const unknownScenario = await post(`${mock.url}/v1/messages`, "{}", { "x-mock-scenario": "nope" });
    expect(unknownScenario.status).toBe(400);
    expect(mock.stats.requests).toBe(4);
    expect(mock.requests[1]?.body).toBe("{not json");
  });

  it("keeps only the last 200 requests", async () => {
    for (let i = 0; i < 205; i++) await post(`${mock.url}/v1/messages`, JSON.stringify({ model: `m${i}` }));
    expect(mock.requests).toHaveLength(200);
    expect(mock.requests[0]?.body).toMatchObject({ model: "m5" });
    expect(mock.stats.completed).toBe(205);
  });

  it("does not record with record: false but still counts", async () => {
    const quiet = await startDemoUpstream({ record: false });
    try {
      await post(`${quiet.url}/v1/messages`, JSON.stringify({ model: "m" }));
      expect(quiet.requests).toEqual([]);
      expect(quiet.stats).toMatchObject({ requests: 1, completed: 1 });
    } finally {
      await quiet.close();
    }
  });

  it("applies the tokenDelayMs option to JSON answers (tokens x delay)", async () => {
    const slow = await startDemoUpstream({ tokenDelayMs: 30 });
    try {
      const started = Date.now();
      const res = await post(
        `${slow.url}/v1/chat/completions`,
        JSON.stringify({ model: "mock-echo", messages: [{ role: "user", content: "a b c d e" }] }),
      );
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    } finally {
      await slow.close();
    }
  });
});

describe("demo upstream CLI", () => {
  it("prints its url as one JSON line and exits cleanly on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "gateway/embedded/demo-upstream/main.ts", "--port", "0"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = once(child, "exit");
    const lines = createInterface({ input: child.stdout });
    const [firstLine] = (await once(lines, "line")) as [string];
    const { url } = JSON.parse(firstLine) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const stats = await fetch(`${url}/__mock/stats`);
    expect(await stats.json()).toEqual({ requests: 0, completed: 0, aborted: 0 });
    child.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });
});
