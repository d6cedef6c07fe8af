/**
 * The demo upstream's OpenAI Responses mode (`POST /v1/responses`), read with the official `openai` SDK: JSON and
 * SSE as OpenAI sends them, so the SDK's own stream helper accumulates them into the same Response.
 */
import OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDemoUpstream } from "../../../../gateway/embedded/demo-upstream/server.ts";
import type { DemoUpstream } from "../../../../gateway/embedded/demo-upstream/server.ts";
import {
  BENIGN_COMPLETION,
  BENIGN_TOOL_CALL,
  HARMFUL_COMPLETION,
  HARMFUL_TOOL_CALL,
  tokenize,
} from "../../../../gateway/embedded/demo-upstream/text.ts";

let mock: DemoUpstream;
let client: OpenAI;

beforeAll(async () => {
  mock = await startDemoUpstream({ port: 0 });
  client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "sk-client-key", maxRetries: 0 });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.reset();
});

async function events(
  params: { model: string; input: OpenAI.Responses.ResponseInput | string },
  headers: Record<string, string> = {},
): Promise<ResponseStreamEvent[]> {
  const stream = await client.responses.create({ ...params, stream: true }, { headers });
  const out: ResponseStreamEvent[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

describe("demo upstream, OpenAI Responses mode", () => {
  it("answers JSON with a completed Response holding the benign completion and usage", async () => {
    const r = await client.responses.create({ model: "gpt-test", input: "Tell me something nice" });
    expect(r).toMatchObject({ object: "response", status: "completed", model: "gpt-test" });
    expect(r.id).toMatch(/^resp_/);
    expect(r.output_text).toBe(BENIGN_COMPLETION);
    expect(r.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(r.usage?.output_tokens).toBe(tokenize(BENIGN_COMPLETION).length);
    expect(r.usage?.input_tokens).toBeGreaterThan(0);
    expect(r.usage?.total_tokens).toBe((r.usage?.input_tokens ?? 0) + (r.usage?.output_tokens ?? 0));
    expect(mock.requests.at(-1)).toMatchObject({ method: "POST", path: "/v1/responses" });
  });

  it("streams the event sequence OpenAI sends, one delta per token, numbered", async () => {
    const evs = await events({ model: "gpt-test", input: "Tell me something nice" });
    const types = evs.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
    ]);
    expect(types.slice(-4)).toEqual([
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const deltas = evs.flatMap((e) => (e.type === "response.output_text.delta" ? [e.delta] : []));
    expect(deltas).toEqual(tokenize(BENIGN_COMPLETION));
    expect(evs.map((e) => e.sequence_number)).toEqual(evs.map((_e, i) => i));
    const done = evs.at(-1);
    expect(done?.type === "response.completed" ? done.response.usage?.output_tokens : 0).toBe(deltas.length);
  });

  it("is accumulated by the SDK's stream helper into the final Response", async () => {
    const stream = client.responses.stream({ model: "gpt-test", input: "Tell me something nice" });
    let text = "";
    stream.on("response.output_text.delta", (e) => (text += e.delta));
    const final = await stream.finalResponse();
    expect(text).toBe(BENIGN_COMPLETION);
    expect(final.output_text).toBe(BENIGN_COMPLETION);
    expect(final.status).toBe("completed");
  });

  it("streams the harmful completion for model demo-harmful", async () => {
    const evs = await events({ model: "demo-harmful", input: "lab safety?" });
    const text = evs.map((e) => (e.type === "response.output_text.delta" ? e.delta : "")).join("");
    expect(text).toBe(HARMFUL_COMPLETION);
  });

  it("streams a function call with its arguments split over several deltas (harmful with the header)", async () => {
    const evs = await events({ model: "mock-tool-call", input: "weather?" });
    const added = evs.find((e) => e.type === "response.output_item.added");
    expect(added?.type === "response.output_item.added" ? added.item : {}).toMatchObject({
      type: "function_call",
      name: BENIGN_TOOL_CALL.name,
      arguments: "",
    });
    const args = evs.flatMap((e) => (e.type === "response.function_call_arguments.delta" ? [e.delta] : []));
    expect(args.length).toBeGreaterThan(2);
    expect(args.join("")).toBe(BENIGN_TOOL_CALL.arguments);
    const json = await client.responses.create(
      { model: "gpt-test", input: "save my notes" },
      { headers: { "x-mock-scenario": "tool-call", "x-mock-tool-harmful": "1" } },
    );
    expect(json.output[0]).toMatchObject({
      type: "function_call",
      name: HARMFUL_TOOL_CALL.name,
      arguments: HARMFUL_TOOL_CALL.arguments,
      status: "completed",
    });
    expect(json.output[0]?.type === "function_call" ? json.output[0].call_id : "").toMatch(/^call_/);
  });

  it("echoes the last user input (a string or input items with input_text parts)", async () => {
    const plain = await client.responses.create({ model: "mock-echo", input: "héllo wörld 🙂" });
    expect(plain.output_text).toBe("héllo wörld 🙂");
    const items = await client.responses.create({
      model: "mock-echo",
      input: [
        { role: "user", content: "first" },
        { role: "assistant", content: "ok" },
        { role: "user", content: [{ type: "input_text", text: "second" }] },
      ],
    });
    expect(items.output_text).toBe("second");
  });

  it("answers error scenarios and malformed JSON with OpenAI error bodies", async () => {
    const failed = client.responses.create(
      { model: "gpt-test", input: "hi" },
      { headers: { "x-mock-scenario": "error-429" } },
    );
    await expect(failed).rejects.toMatchObject({ status: 429, type: "rate_limit_error" });
    const res = await fetch(`${mock.url}/v1/responses`, { method: "POST", body: "{not json" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("breaks a malformed-sse stream with an unparseable Responses event", async () => {
    const res = await fetch(`${mock.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "mock-malformed-sse", input: "hi", stream: true }),
    });
    const raw = await res.text();
    expect(raw).toContain("event: response.created");
    expect(raw.trimEnd().endsWith("event: response.output_text.delta\ndata: {not json")).toBe(true);
  });
});
