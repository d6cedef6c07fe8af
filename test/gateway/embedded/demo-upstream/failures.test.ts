import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { startDemoUpstream } from "../../../../gateway/embedded/demo-upstream/server.ts";
import type { DemoUpstream } from "../../../../gateway/embedded/demo-upstream/server.ts";
import { BENIGN_COMPLETION, tokenize } from "../../../../gateway/embedded/demo-upstream/text.ts";

let mock: DemoUpstream;
let openai: OpenAI;
let anthropic: Anthropic;
const messages = [{ role: "user" as const, content: "Tell me something nice" }];

beforeAll(async () => {
  mock = await startDemoUpstream({ port: 0 });
  // logLevel off: the clients log the unparseable malformed-sse event before throwing.
  openai = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "k", maxRetries: 0, logLevel: "off" });
  anthropic = new Anthropic({ baseURL: mock.url, apiKey: "k", maxRetries: 0, logLevel: "off" });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.reset();
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function openaiText(model: string, headers: Record<string, string> = {}): Promise<string> {
  const stream = await openai.chat.completions.create({ model, messages, stream: true }, { headers });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  return text;
}

describe("demo upstream error scenarios", () => {
  const cases = [
    { scenario: "error-500", status: 500, openaiType: "server_error", anthropicType: "api_error" },
    { scenario: "error-429", status: 429, openaiType: "rate_limit_error", anthropicType: "rate_limit_error" },
    {
      scenario: "error-400",
      status: 400,
      openaiType: "invalid_request_error",
      anthropicType: "invalid_request_error",
    },
  ];
  for (const { scenario, status, openaiType, anthropicType } of cases) {
    it(`${scenario} answers in each dialect's error shape`, async () => {
      const headers = { "x-mock-scenario": scenario };
      const openaiError = await openai.chat.completions
        .create({ model: "m", messages, stream: true }, { headers })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(openaiError).toBeInstanceOf(OpenAI.APIError);
      expect(openaiError).toMatchObject({ status, type: openaiType, code: null });
      const anthropicError = await anthropic.messages
        .create({ model: `mock-${scenario}`, max_tokens: 8, messages })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
      expect(anthropicError).toMatchObject({
        status,
        error: { type: "error", error: { type: anthropicType } },
      });
    });
  }
});

describe("demo upstream awkward chunking", () => {
  it("still parses with both official clients and reconstructs the same text", async () => {
    expect(await openaiText("gpt", { "x-mock-chunking": "awkward" })).toBe(BENIGN_COMPLETION);
    expect(await openaiText("mock-awkward-chunks", { "x-mock-token-delay-ms": "1" })).toBe(BENIGN_COMPLETION);
    const text = await anthropic.messages
      .stream({ model: "claude", max_tokens: 256, messages }, { headers: { "x-mock-chunking": "awkward" } })
      .finalText();
    expect(text).toBe(BENIGN_COMPLETION);
  });

  it("uses CRLF line endings and keep-alive comments on the wire", async () => {
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-mock-chunking": "awkward" },
      body: JSON.stringify({ model: "gpt", stream: true, messages }),
    });
    const body = await res.text();
    expect(body.startsWith(": keep-alive\r\n")).toBe(true);
    expect(body).toContain("\r\n\r\ndata: ");
    expect(body.replaceAll("\r\n", "")).not.toContain("\n");
    expect(body.endsWith("data: [DONE]\r\n\r\n")).toBe(true);
  });
});

describe("demo upstream delivery failures", () => {
  it("counts a client abort of a hanging request and marks the record", async () => {
    const controller = new AbortController();
    const pending = openai.chat.completions.create(
      { model: "mock-hang", messages },
      { signal: controller.signal },
    );
    await waitFor(() => mock.requests.length === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(() => mock.stats.aborted === 1);
    expect(mock.stats).toMatchObject({ requests: 1, completed: 0, aborted: 1 });
    expect(mock.requests[0]?.aborted).toBe(true);
  });

  it("stall-stream sends the first events then stalls until the client leaves", async () => {
    const stream = await openai.chat.completions.create(
      { model: "m", messages, stream: true },
      { headers: { "x-mock-scenario": "stall-stream" } },
    );
    let text = "";
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (text === tokenize(BENIGN_COMPLETION).slice(0, 2).join("")) break;
    }
    await waitFor(() => mock.stats.aborted === 1);
    expect(mock.stats.completed).toBe(0);
  });

  it("stops a delayed stream and clears its timers when the client disconnects mid-way", async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    onTestFinished(() => setTimeoutSpy.mockRestore());
    const tokenTimers = (): number => setTimeoutSpy.mock.calls.filter((call) => call[1] === 20).length;
    const stream = await anthropic.messages.create(
      { model: "claude", max_tokens: 256, messages, stream: true },
      { headers: { "x-mock-token-delay-ms": "20" } },
    );
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === "content_block_delta") deltas++;
      if (deltas === 3) break;
    }
    await waitFor(() => mock.stats.aborted === 1);
    expect(mock.stats.completed).toBe(0);
    expect(mock.requests[0]?.aborted).toBe(true);
    const scheduledBeforeLeaving = tokenTimers();
    expect(scheduledBeforeLeaving).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tokenTimers()).toBe(scheduledBeforeLeaving);
  });

  it("drop destroys the connection mid-stream (not counted as a client abort)", async () => {
    await expect(openaiText("mock-drop")).rejects.toThrow();
    await waitFor(() => mock.requests.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mock.stats).toMatchObject({ requests: 1, completed: 0, aborted: 0 });
  });

  it("malformed-sse sends garbage and ends without the terminal event", async () => {
    await expect(openaiText("mock-malformed-sse")).rejects.toThrow();
    const anthropicStream = anthropic.messages.stream(
      { model: "mock-malformed-sse", max_tokens: 64, messages },
      { headers: {} },
    );
    await expect(anthropicStream.finalText()).rejects.toThrow();
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "mock-malformed-sse", stream: true, messages }),
    });
    const body = await res.text();
    expect(body).toContain("data: {not json\n\n");
    expect(body).not.toContain("[DONE]");
  });

  it("delays each token by x-mock-token-delay-ms", async () => {
    const started = Date.now();
    const stream = await openai.chat.completions.create(
      { model: "mock-echo", messages: [{ role: "user", content: "one two three four" }], stream: true },
      { headers: { "x-mock-token-delay-ms": "40" } },
    );
    const arrivals: number[] = [];
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) arrivals.push(Date.now());
    }
    expect(arrivals).toHaveLength(4);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});
