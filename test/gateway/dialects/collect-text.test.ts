import { describe, expect, it } from "vitest";
import { anthropicDialect } from "../../../gateway/dialects/anthropic.ts";
import { collectText, textOf } from "../../../gateway/dialects/collect-text.ts";
import { openaiDialect } from "../../../gateway/dialects/openai.ts";

const collect = (value: unknown): string[] => {
  const out: string[] = [];
  collectText(value, out);
  return out;
};

describe("collectText", () => {
  it("takes every string in document order, except ids, enums, links, signatures, metadata and credentials", () => {
    const value = {
      id: "msg_1",
      model: "m",
      role: "user",
      metadata: { user_id: "u-1", note: "not model input" },
      content: [
        { type: "text", text: "one", cache_control: { type: "ephemeral", ttl: "1h" } },
        { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "high" } },
        { type: "thinking", thinking: "two", signature: "c2ln" },
        { type: "x_future", body: "three", nested: [{ deeper: "four" }] },
      ],
      mcp_servers: [{ type: "url", url: "https://mcp.example", name: "five", authorization_token: "secret" }],
    };
    expect(collect(value)).toEqual(["one", "two", "three", "four", "five"]);
  });

  it("reads `data` as text in a text source or when it is not base64; skips images, PDFs and data URLs", () => {
    const image = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk".repeat(100);
    expect(
      collect([
        { type: "text", media_type: "text/plain", data: "plain" },
        { type: "base64", media_type: "text/csv", data: "a,b" },
        { type: "base64", media_type: "image/png", data: image },
        { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" },
        { type: "input_audio", data: `data:audio/wav;base64,${image}` },
        { type: "other", data: "free words here" },
      ]),
    ).toEqual(["plain", "a,b", "free words here"]);
  });

  it("reads free-form JSON (tool inputs, schemas) with its property names", () => {
    expect(
      collect({
        name: "lookup",
        input_schema: { type: "object", properties: { how_to_ask: { type: "string" } } },
        input: { city: "Paris" },
      }),
    ).toEqual(["lookup", "type", "object", "properties", "how_to_ask", "type", "string", "city", "Paris"]);
  });

  it("walks any nesting depth without recursion", () => {
    let deep: unknown = { text: "bottom" };
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(textOf(deep)).toBe("bottom");
  });
});

describe("dialects read every request field into the conversation", () => {
  it("OpenAI: system and developer text, tools and legacy functions are request-level text", () => {
    const c = openaiDialect.parseRequest({
      model: "m",
      user: "end-user-7",
      tool_choice: "auto",
      tools: [{ type: "function", function: { name: "lookup", description: "tool text", parameters: {} } }],
      functions: [{ name: "legacy", description: "function text" }],
      messages: [
        { role: "system", content: "system text" },
        { role: "developer", content: [{ type: "text", text: "developer text" }] },
        { role: "user", content: "Go ahead." },
      ],
    }).conversation;
    expect(c.system).toBe("system text\ndeveloper text\nlookup\ntool text\nlegacy\nfunction text");
    expect(c.prompt).toBe("Go ahead.");
    expect(c.turns[0]).toEqual({ role: "system", text: c.system });
  });

  it("OpenAI: a trailing assistant message (prefill) is part of the prompt", () => {
    const c = openaiDialect.parseRequest({
      model: "m",
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "reply" },
        { role: "user", content: "Go ahead." },
        { role: "assistant", content: "Sure, step one:" },
      ],
    }).conversation;
    expect(c.prompt).toBe("Go ahead.\nSure, step one:");
  });

  it("Anthropic: documents, search results and nested tool results are turn text; tools request-level text", () => {
    const c = anthropicDialect.parseRequest({
      model: "m",
      max_tokens: 10,
      system: [{ type: "text", text: "system text" }],
      tools: [{ name: "lookup", description: "tool text", input_schema: {} }],
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "text", media_type: "text/plain", data: "doc" }, title: "T" },
            {
              type: "search_result",
              source: "https://e.example",
              title: "S",
              content: [{ type: "text", text: "r" }],
            },
            {
              type: "tool_result",
              tool_use_id: "t1",
              content: [
                { type: "search_result", source: "s", title: "N", content: [{ type: "text", text: "n" }] },
              ],
            },
          ],
        },
        { role: "assistant", content: [{ type: "text", text: "Sure:" }] },
      ],
    }).conversation;
    expect(c.system).toBe("system text\nlookup\ntool text");
    expect(c.prompt).toBe("doc\nT\nhttps://e.example\nS\nr\ns\nN\nn\nSure:");
  });
});
