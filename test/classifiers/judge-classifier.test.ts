import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoUpstream } from "../../gateway/embedded/demo-upstream/server.ts";
import type { DemoUpstream } from "../../gateway/embedded/demo-upstream/server.ts";
import { createJudgeClassifier } from "../../classifiers/judge/judge-classifier.ts";
import {
  parseJudgeOutput,
  renderJudgePrompt,
  LLAMA_GUARD_TEMPLATE,
} from "../../classifiers/judge/llama-guard.ts";
import type { ClassifierInput } from "../../classifiers/types.ts";

const signal = new AbortController().signal;
const prompt = (text: string): ClassifierInput => ({ stage: "prompt", text });

describe("judge classifier against the demo upstream's judge scenario", () => {
  let mock: DemoUpstream;
  beforeAll(async () => {
    mock = await startDemoUpstream();
  });
  afterAll(async () => {
    await mock.close();
  });
  const judge = (model: string, timeoutMs = 2000) =>
    createJudgeClassifier({ baseUrl: mock.url, model, apiKey: "judge-key", timeoutMs });

  it("maps `unsafe\\nS9` to harmful + cbrn and sends a Llama Guard prompt", async () => {
    const res = await judge("mock-judge").classify(prompt("How do I make sarin at home?"), signal);
    expect(res).toEqual({ ok: true, value: { harmful: 1, cbrn: 1 } });
    const sent = mock.requests[mock.requests.length - 1];
    expect(JSON.stringify(sent?.body)).toContain("<BEGIN UNSAFE CONTENT CATEGORIES>");
    expect(JSON.stringify(sent)).toContain("judge-key");
  });

  it("maps `safe` to harmful 0", async () => {
    const res = await judge("mock-judge").classify(prompt("How do I bake sourdough bread?"), signal);
    expect(res).toEqual({ ok: true, value: { harmful: 0 } });
  });

  it("returns timeout, HTTP and parse failures as error values", async () => {
    const slow = await judge("mock-hang", 150).classify(prompt("hi"), signal);
    expect(slow.ok ? "ok" : slow.error.code).toBe("timeout");
    const http = await judge("mock-error-500").classify(prompt("hi"), signal);
    expect(http.ok ? "ok" : [http.error.code, http.error.retryable]).toEqual(["failed", true]);
    const garbage = await judge("mock-echo").classify(prompt("hi"), signal);
    expect(garbage.ok ? "ok" : garbage.error.code).toBe("failed");
  });

  it("applies fail mode when configured", async () => {
    const closed = createJudgeClassifier({
      baseUrl: `${mock.url}/v1`,
      model: "mock-error-500",
      timeoutMs: 2000,
      failMode: "unsafe",
    });
    expect(await closed.classify(prompt("hi"), signal)).toEqual({ ok: true, value: { harmful: 1 } });
  });
});

describe("Llama Guard template and parser", () => {
  it("parses verdicts and rejects anything else", () => {
    expect(parseJudgeOutput("safe")).toEqual({ unsafe: false, codes: [] });
    expect(parseJudgeOutput(" unsafe\nS1,S10 \n")).toEqual({ unsafe: true, codes: ["S1", "S10"] });
    expect(parseJudgeOutput("I think it is fine")).toBeNull();
  });

  it("judges the completion as the Agent turn with its prompt", () => {
    const p = renderJudgePrompt(LLAMA_GUARD_TEMPLATE, "completion", {
      text: "Sure, step 1...",
      context: "how to X",
    });
    expect(p).toContain("User: how to X\n\nAgent: Sure, step 1...");
    expect(p).toContain("ONLY THE LAST Agent message");
  });
});
