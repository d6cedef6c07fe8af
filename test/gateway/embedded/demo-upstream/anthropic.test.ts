import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoUpstream } from "../../../../gateway/embedded/demo-upstream/server.ts";
import type { DemoUpstream } from "../../../../gateway/embedded/demo-upstream/server.ts";
import {
  BENIGN_COMPLETION,
  HARMFUL_COMPLETION,
  tokenize,
} from "../../../../gateway/embedded/demo-upstream/text.ts";

let mock: DemoUpstream;
let client: Anthropic;
const messages = [{ role: "user" as const, content: "Tell me something nice" }];

beforeAll(async () => {
  mock = await startDemoUpstream({ port: 0 });
  client = new Anthropic({ baseURL: mock.url, apiKey: "sk-ant-client", maxRetries: 0 });
});
afterAll(async () => {
  await mock.close();
});

async function rawEvents(
  model: string,
  headers: Record<string, string> = {},
): Promise<Anthropic.RawMessageStreamEvent[]> {
  const stream = await client.messages.create(
    { model, max_tokens: 256, messages, stream: true },
    { headers },
  );
  const events: Anthropic.RawMessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe("demo upstream, Anthropic dialect", () => {
  it("answers JSON with the benign completion", async () => {
    const message = await client.messages.create({ model: "claude-test", max_tokens: 256, messages });
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-test",
      content: [{ type: "text", text: BENIGN_COMPLETION }],
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.usage.output_tokens).toBe(tokenize(BENIGN_COMPLETION).length);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(mock.requests.at(-1)?.headers["x-api-key"]).toBe("sk-ant-client");
  });

  it("streams every event type in order", async () => {
    const events = await rawEvents("claude-test");
    const types = events.map((event) => event.type);
    const deltaCount = tokenize(BENIGN_COMPLETION).length;
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      ...Array<string>(deltaCount).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const text = events
      .map((event) =>
        event.type === "content_block_delta" && event.delta.type === "text_delta" ? event.delta.text : "",
      )
      .join("");
    expect(text).toBe(BENIGN_COMPLETION);
    const delta = events.find((event) => event.type === "message_delta");
    expect(delta).toMatchObject({ delta: { stop_reason: "end_turn" }, usage: { output_tokens: deltaCount } });
  });

  it("sends ping events on the wire", async () => {
    const res = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ model: "claude-test", stream: true, messages }),
    });
    const body = await res.text();
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const eventNames = [...body.matchAll(/^event: (\S+)$/gm)].map((match) => match[1]);
    expect(eventNames.slice(0, 3)).toEqual(["message_start", "content_block_start", "ping"]);
    expect(eventNames.at(-1)).toBe("message_stop");
  });

  it("streams the harmful completion via the MessageStream helper", async () => {
    const text = await client.messages
      .stream({ model: "claude", max_tokens: 256, messages }, { headers: { "x-mock-scenario": "harmful" } })
      .finalText();
    expect(text).toBe(HARMFUL_COMPLETION);
  });

  it("streams a tool_use block with input_json_delta chunks", async () => {
    const events = await rawEvents("mock-tool-call", { "x-mock-tool-harmful": "1" });
    const start = events.find((event) => event.type === "content_block_start");
    expect(start).toMatchObject({ content_block: { type: "tool_use", name: "save_note", input: {} } });
    const partials = events.flatMap((event) =>
      event.type === "content_block_delta" && event.delta.type === "input_json_delta"
        ? [event.delta.partial_json]
        : [],
    );
    expect(partials.length).toBeGreaterThan(2);
    expect(JSON.parse(partials.join(""))).toMatchObject({ text: HARMFUL_COMPLETION });
    const final = await client.messages
      .stream({ model: "mock-tool-call", max_tokens: 256, messages })
      .finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content[0]).toMatchObject({
      type: "tool_use",
      name: "get_weather",
      input: { city: "Paris" },
    });
  });

  it("answers tool_use JSON and judge verdicts", async () => {
    const tool = await client.messages.create({ model: "mock-tool-call", max_tokens: 256, messages });
    expect(tool.stop_reason).toBe("tool_use");
    expect(tool.content[0]).toMatchObject({ type: "tool_use", input: { city: "Paris", unit: "celsius" } });
    const judged = await client.messages.create({
      model: "mock-judge",
      max_tokens: 16,
      messages: [{ role: "user", content: [{ type: "text", text: "sarin please" }] }],
    });
    expect(judged.content[0]).toMatchObject({ type: "text", text: "unsafe\nS9" });
  });
});
