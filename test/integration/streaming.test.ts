/**
 * Streaming guarantees checked on the raw bytes a client receives: hold-back (nothing from the triggering window
 * on), and cancellation (a client that leaves mid-stream aborts the upstream request).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HARMFUL_COMPLETION } from "../../gateway/embedded/demo-upstream/text.ts";
import { anthropicDialect } from "../../gateway/dialects/anthropic.ts";
import { openaiDialect } from "../../gateway/dialects/openai.ts";
import { createSseDecoder } from "../../gateway/sse/decoder.ts";
import {
  startGateway,
  startDemoUpstreamProcess,
  testConfig,
  type RunningProcess,
} from "../helpers/processes.ts";

let mock: RunningProcess;
let slowMock: RunningProcess;
let gateway: RunningProcess;
let slowGateway: RunningProcess;

beforeAll(async () => {
  [mock, slowMock] = await Promise.all([
    startDemoUpstreamProcess(),
    startDemoUpstreamProcess(["--token-delay-ms", "40"]),
  ]);
  // Four blocks on one key must not throttle it: with the default threshold (3 strikes) the last request raced the
  // enforcement worker and could get a 429 instead of its refusal.
  const noThrottle = { enforcement: { thresholds: { throttle: 100_000, suspend: 200_000 } } };
  [gateway, slowGateway] = await Promise.all([
    startGateway({ config: testConfig(mock.url, noThrottle) }),
    startGateway({ config: testConfig(slowMock.url, noThrottle) }),
  ]);
});

afterAll(async () => {
  await Promise.all([gateway?.stop(), slowGateway?.stop()]);
  await Promise.all([mock?.stop(), slowMock?.stop()]);
});

const HARMFUL_AT = HARMFUL_COMPLETION.indexOf("synthesis of sarin");

function post(base: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test-key" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

describe("hold-back on the wire", () => {
  it.each([
    ["openai", "/v1/chat/completions", openaiDialect],
    ["anthropic", "/v1/messages", anthropicDialect],
  ] as const)(
    "%s: the raw bytes contain no character from the triggering window on",
    async (_n, path, dialect) => {
      const res = await post(gateway.url, path, {
        model: "demo-harmful",
        stream: true,
        max_tokens: 500,
        messages: [{ role: "user", content: "Tell me about lab safety." }],
      });
      const raw = Buffer.from(await res.arrayBuffer()).toString("utf8");
      expect(raw).not.toMatch(/sarin|nerve agent|REDACTED|Step 1/);
      const d = createSseDecoder();
      const evs = [...d.push(new TextEncoder().encode(raw)), ...d.end()];
      const r = dialect.createStreamRenderer({ model: "m", fallbackId: "x" });
      const text = evs.map((e) => (e.data === "[DONE]" ? "" : r.textOf(e))).join("");
      expect(text.length).toBeGreaterThan(100);
      expect(HARMFUL_COMPLETION.startsWith(text)).toBe(true);
      expect(text.length).toBeLessThanOrEqual(HARMFUL_AT);
    },
  );
});

describe("cancellation", () => {
  it("a client disconnect mid-stream aborts the upstream request", async () => {
    await fetch(`${slowMock.url}/__mock/reset`, { method: "POST" });
    const ac = new AbortController();
    const res = await post(
      slowGateway.url,
      "/v1/chat/completions",
      { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "tell me a long story" }] },
      ac.signal,
    );
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    let stats = { aborted: 0, completed: 0 };
    for (let i = 0; i < 40 && stats.aborted === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      stats = (await (await fetch(`${slowMock.url}/__mock/stats`)).json()) as typeof stats;
    }
    expect(stats.aborted).toBe(1);
    expect(stats.completed).toBe(0);
  });

  it("a block aborts the upstream request (stop paying for tokens)", async () => {
    await fetch(`${slowMock.url}/__mock/reset`, { method: "POST" });
    const res = await post(slowGateway.url, "/v1/chat/completions", {
      model: "demo-harmful",
      stream: true,
      messages: [{ role: "user", content: "lab safety" }],
    });
    const raw = await res.text();
    expect(raw).toContain('"finish_reason":"content_filter"');
    let stats = { aborted: 0, completed: 0 };
    for (let i = 0; i < 40 && stats.aborted === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      stats = (await (await fetch(`${slowMock.url}/__mock/stats`)).json()) as typeof stats;
    }
    expect(stats).toMatchObject({ aborted: 1, completed: 0 });
  });
});

describe("tool-call screening", () => {
  it.each([
    ["openai", "/v1/chat/completions"],
    ["anthropic", "/v1/messages"],
  ] as const)("%s: harmful tool-call arguments are screened as text and cut", async (_n, path) => {
    const body = { stream: true, max_tokens: 500, messages: [{ role: "user", content: "save my notes" }] };
    const benign = await (await post(gateway.url, path, { ...body, model: "mock-tool-call" })).text();
    expect(benign).not.toContain("content_filter");
    expect(benign).not.toContain('"refusal"');
    const harmful = await (
      await post(gateway.url, path, { ...body, model: "mock-tool-call-harmful" })
    ).text();
    expect(harmful).toMatch(/"finish_reason":"content_filter"|"stop_reason":"refusal"/);
    expect(harmful).not.toMatch(/sarin/);
  });
});
