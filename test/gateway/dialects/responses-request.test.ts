/**
 * The Responses dialect's request side and JSON replies: every field a client can put text in reaches the
 * conversation (and so the prompt and conversation stages), ids and credentials do not; a Response's completion
 * text is its output, not the request fields it echoes; the refusal is an incomplete Response (content filter).
 */
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../gateway/errors.ts";
import { responsesDialect } from "../../../gateway/dialects/responses.ts";

const parse = (body: unknown) => responsesDialect.parseRequest(body);

function invalid(body: unknown): GatewayError {
  try {
    parse(body);
  } catch (e: unknown) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error("expected the body to be refused");
}

describe("Responses requests", () => {
  it("a string input is the prompt; instructions are request-level text", () => {
    const r = parse({
      model: "gpt-4o",
      input: "How do I bake bread?",
      instructions: "Be brief.",
      stream: true,
    });
    expect(r).toMatchObject({ model: "gpt-4o", stream: true });
    expect(r.conversation.prompt).toBe("How do I bake bread?");
    expect(r.conversation.system).toBe("Be brief.");
    expect(r.conversation.turns).toEqual([
      { role: "system", text: "Be brief." },
      { role: "user", text: "How do I bake bread?" },
    ]);
  });

  it("input items: system / developer messages are request-level text, the rest are turns in order", () => {
    const r = parse({
      model: "m",
      input: [
        { role: "developer", content: "dev note" },
        { type: "message", role: "system", content: [{ type: "input_text", text: "sys part" }] },
        {
          role: "user",
          content: [
            { type: "input_text", text: "hi" },
            { type: "input_image", image_url: "https://x/y.png" },
          ],
        },
        {
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text: "hello", annotations: [] }],
        },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "thinking aloud" }] },
        { type: "function_call", call_id: "call_1", name: "lookup", arguments: '{"q":"bread"}' },
        { type: "function_call_output", call_id: "call_1", output: "bread is baked" },
      ],
    });
    expect(r.conversation.system).toBe("dev note\nsys part");
    expect(r.conversation.turns.slice(1)).toEqual([
      { role: "user", text: "hi" },
      { role: "assistant", text: "hello" },
      { role: "assistant", text: "thinking aloud" },
      { role: "assistant", text: 'lookup\n{"q":"bread"}' },
      { role: "tool", text: "bread is baked" },
    ]);
    // The newest client input after the model's function call is the function's output.
    expect(r.conversation.prompt).toBe("bread is baked");
  });

  it("tool definitions, text.format schemas and prompt variables are request-level text", () => {
    const r = parse({
      model: "m",
      input: "go",
      tools: [
        {
          type: "function",
          name: "lookup",
          description: "Looks things up.",
          parameters: {
            type: "object",
            properties: { secret_recipe: { type: "string", description: "what" } },
          },
        },
      ],
      text: {
        format: {
          type: "json_schema",
          name: "answer",
          schema: { type: "object", description: "the answer" },
        },
      },
      prompt: { id: "pmpt_1", variables: { topic: "sourdough" } },
    });
    for (const s of ["Looks things up.", "secret_recipe", "what", "the answer", "sourdough"])
      expect(r.conversation.system).toContain(s);
  });

  it("ids of server-side state, links and credentials are not screened as text", () => {
    const r = parse({
      model: "m",
      input: [
        {
          role: "user",
          content: [{ type: "input_file", file_url: "https://files/secret.pdf", filename: "notes.pdf" }],
        },
        { type: "item_reference", id: "msg_123" },
      ],
      previous_response_id: "resp_abc",
      conversation: { id: "conv_abc" },
      store: true,
      include: ["reasoning.encrypted_content"],
      tools: [
        {
          type: "mcp",
          server_label: "docs",
          server_url: "https://mcp.example",
          headers: { Authorization: "Bearer sk-live-123" },
        },
      ],
      safety_identifier: "user-42",
    });
    const all = [r.conversation.system, ...r.conversation.turns.map((t) => t.text)].join("\n");
    expect(all).toContain("notes.pdf");
    expect(all).toContain("docs");
    for (const s of [
      "resp_abc",
      "conv_abc",
      "msg_123",
      "secret.pdf",
      "encrypted_content",
      "mcp.example",
      "sk-live-123",
      "user-42",
    ])
      expect(all).not.toContain(s);
  });

  it("refuses malformed bodies and background responses as invalid requests", () => {
    expect(invalid({ input: "hi" }).message).toMatch(/^model:/);
    expect(invalid({ model: "m", input: 42 }).message).toMatch(/^input:/);
    expect(invalid({ model: "m", input: [{ content: "no role" }] }).message).toMatch(/role and content/);
    expect(invalid({ model: "m", input: [{ role: "robot", content: "x" }] }).message).toMatch(
      /^input\.0\.role:/,
    );
    expect(invalid({ model: "m", input: "hi", instructions: 7 }).message).toMatch(/^instructions:/);
    const bg = invalid({ model: "m", input: "hi", background: true });
    expect(bg.code).toBe("invalid_request");
    expect(bg.message).toMatch(/^background:/);
  });
});

describe("Responses replies", () => {
  it("completion text is the output (text, tool calls, reasoning summaries), not the echoed request", () => {
    const text = responsesDialect.completionText({
      id: "resp_1",
      object: "response",
      status: "completed",
      instructions: "ECHOED INSTRUCTIONS",
      tools: [{ type: "function", name: "lookup", description: "ECHOED TOOL" }],
      text: { format: { type: "json_schema", name: "a", schema: { description: "ECHOED SCHEMA" } } },
      output: [
        { id: "rs_1", type: "reasoning", summary: [{ type: "summary_text", text: "summary words" }] },
        {
          id: "msg_1",
          type: "message",
          status: "completed",
          role: "assistant",
          content: [
            {
              type: "output_text",
              text: "answer words",
              annotations: [{ type: "url_citation", url: "https://x", title: "cited title" }],
            },
          ],
        },
        {
          id: "fc_1",
          type: "function_call",
          status: "completed",
          call_id: "call_1",
          name: "lookup",
          arguments: '{"q":"args words"}',
        },
      ],
      usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
    });
    for (const s of ["summary words", "answer words", "cited title", "lookup", "args words"])
      expect(text).toContain(s);
    expect(text).not.toMatch(/ECHOED|resp_1|msg_1|fc_1|call_1|completed|https/);
  });

  it("a refusal is an incomplete Response with reason content_filter, the refusal text and estimated usage", () => {
    const r = responsesDialect.refusalJson({
      model: "gpt-4o",
      text: "I can't help with that request.",
      id: "chatcmpl-1",
      inputTokens: 12,
    });
    expect(r).toMatchObject({
      object: "response",
      status: "incomplete",
      incomplete_details: { reason: "content_filter" },
      model: "gpt-4o",
      error: null,
      output: [
        {
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text: "I can't help with that request." }],
        },
      ],
      usage: { input_tokens: 12, output_tokens: 8, total_tokens: 20 },
    });
    expect((r as { id: string }).id).toMatch(/^resp_[0-9a-f]{48}$/);
  });

  it("errors use OpenAI's error shape", () => {
    expect(responsesDialect.errorBody("invalid_request", 400, "bad")).toEqual({
      error: { message: "bad", type: "invalid_request_error", param: null, code: "invalid_request" },
    });
    expect(responsesDialect.errorBody("unknown_model", 404, "nope")).toMatchObject({
      error: { type: "not_found_error" },
    });
  });
});
