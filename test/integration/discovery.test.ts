/**
 * Discovery and side endpoints through the official SDKs: `GET /v1/models` lists the ids the routes serve in the
 * caller's dialect (explicit `models`, literal matches, and the upstream's own list filtered by a glob), retrieve
 * answers for served ids and 404s in dialect otherwise, Anthropic `count_tokens` is passed through, and paths the
 * gateway does not serve under `/v1/messages` answer with Anthropic-shaped errors.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { testConfig, useStack } from "../helpers/processes.ts";

const stack = useStack((upstream) =>
  testConfig(upstream, {
    routes: [
      { match: "gpt-4o", upstream: "mock_openai" },
      { match: "mock-*", upstream: "mock_openai" },
      { match: "claude-*", upstream: "mock_anthropic", models: ["claude-sonnet-4-5", "claude-haiku-4-5"] },
      { match: "mock-*", upstream: "mock_anthropic" },
    ],
  }),
);
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(() => {
  openai = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: "test-key", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: stack.gateway.url, apiKey: "test-key", maxRetries: 0 });
});

describe("GET /v1/models", () => {
  it("lists the OpenAI routes' models in OpenAI's shape: literal matches and the upstream's ids a glob matches", async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) {
      expect(m.object).toBe("model");
      ids.push(m.id);
    }
    expect(ids[0]).toBe("gpt-4o");
    expect(ids).toContain("mock-model");
    expect(ids).toContain("mock-harmful");
    expect(ids).not.toContain("demo-harmful"); // served by the mock, but no route matches it
    expect(ids.some((id) => id.includes("*") || id.startsWith("claude-"))).toBe(false);
  });

  it("lists the Anthropic routes' models in Anthropic's shape", async () => {
    const ids: string[] = [];
    for await (const m of anthropic.models.list()) {
      expect(m.type).toBe("model");
      ids.push(m.id);
    }
    expect(ids.slice(0, 2)).toEqual(["claude-sonnet-4-5", "claude-haiku-4-5"]);
    expect(ids).toContain("mock-model");
    expect(ids).not.toContain("gpt-4o");
  });

  it("retrieves a served model in each dialect and 404s an unserved one in the caller's shape", async () => {
    expect((await openai.models.retrieve("gpt-4o")).id).toBe("gpt-4o");
    expect((await anthropic.models.retrieve("claude-opus-4-1")).id).toBe("claude-opus-4-1");
    await expect(openai.models.retrieve("llama-3")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const res = await fetch(`${stack.gateway.url}/v1/models/gpt-4o`, {
      headers: { "x-api-key": "test-key", "anthropic-version": "2023-06-01" },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });

  it("refuses a missing key in the caller's dialect", async () => {
    const res = await fetch(`${stack.gateway.url}/v1/models`, {
      headers: { "anthropic-version": "2023-06-01" },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });
});

describe("Anthropic side endpoints", () => {
  it("passes count_tokens through to the model's upstream", async () => {
    const r = await anthropic.messages.countTokens({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "How do I bake sourdough?" }],
    });
    expect(r.input_tokens).toBeGreaterThan(0);
    await expect(
      anthropic.messages.countTokens({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("answers unsupported /v1/messages paths (batches) with an Anthropic-shaped 404", async () => {
    const res = await fetch(`${stack.gateway.url}/v1/messages/batches`, {
      method: "POST",
      headers: { "x-api-key": "test-key", "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });
});
