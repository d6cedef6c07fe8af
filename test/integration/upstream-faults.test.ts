/**
 * Upstream faults: error statuses, timeouts, refused connections and broken streams each give the client a clean
 * error in its own dialect (never a hang, never a torn connection without an error event).
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { createSseDecoder } from "../../gateway/sse/decoder.ts";
import { testConfig, useStack } from "../helpers/processes.ts";

const stack = useStack(async (upstream) => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const base = testConfig(upstream);
  const upstreams = base.upstreams as Record<string, Record<string, unknown>>;
  const config = {
    ...base,
    upstreams: {
      mock_openai: { ...upstreams.mock_openai, headersTimeoutMs: 800, bodyTimeoutMs: 800 },
      mock_anthropic: { ...upstreams.mock_anthropic, headersTimeoutMs: 800, bodyTimeoutMs: 800 },
      dead_openai: { baseUrl: dead, dialect: "openai", connectTimeoutMs: 500 },
    },
    routes: [{ match: "dead-*", upstream: "dead_openai" }, ...(base.routes as unknown[])],
  };
  return config;
});

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(stack.gateway.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test-key" },
    body: JSON.stringify(body),
  });
}

const userHello = [{ role: "user" as const, content: "hello" }];
const chat = (model: string, stream = false) => ({
  model,
  stream,
  messages: [{ role: "user", content: "hello" }],
});
const msg = (model: string, stream = false) => ({ ...chat(model, stream), max_tokens: 50 });

async function events(res: Response) {
  const d = createSseDecoder();
  return [...d.push(new Uint8Array(await res.arrayBuffer())), ...d.end()];
}

describe("upstream faults", () => {
  it("passes an upstream 500 back in the OpenAI shape", async () => {
    const res = await post("/v1/chat/completions", chat("mock-error-500"));
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("server_error");
  });

  it("passes an upstream 429 back in the Anthropic shape", async () => {
    const res = await post("/v1/messages", msg("mock-error-429"));
    expect(res.status).toBe(429);
    expect(((await res.json()) as { type: string; error: { type: string } }).error.type).toBe(
      "rate_limit_error",
    );
  });

  /** portcullis_upstream_errors_total for one kind (the error-rate alert's numerator). */
  async function upstreamErrors(kind: string): Promise<number> {
    const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    const re = new RegExp(`^portcullis_upstream_errors_total\\{[^}]*kind="${kind}"[^}]*\\} (\\d+)`, "gm");
    return [...text.matchAll(re)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  it("answers 504 in dialect when the upstream does not answer in time", async () => {
    const before = await upstreamErrors("timeout");
    const t0 = Date.now();
    const res = await post("/v1/messages", msg("mock-hang"));
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { type: string; message: string } }).error.message).toMatch(
      /timed out/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await upstreamErrors("timeout")).toBe(before + 1);
  });

  it("answers 502 in dialect when the upstream refuses connections", async () => {
    const before = await upstreamErrors("unreachable");
    const res = await post("/v1/chat/completions", chat("dead-model"));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/unreachable/);
    expect(await upstreamErrors("unreachable")).toBe(before + 1);
  });

  it.each(["mock-malformed-sse", "mock-drop", "mock-stall-stream"])(
    "ends a broken OpenAI stream (%s) with an error event the SDK raises",
    async (model) => {
      const res = await post("/v1/chat/completions", chat(model, true));
      expect(res.status).toBe(200);
      const evs = await events(res);
      expect(evs.at(-1)?.data).toContain('"error"');
      const client = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: "test-key", maxRetries: 0 });
      const consume = async (): Promise<void> => {
        const stream = await client.chat.completions.create({ model, stream: true, messages: userHello });
        for await (const _ of stream) void _;
      };
      await expect(consume()).rejects.toThrow();
    },
  );

  it.each(["mock-malformed-sse", "mock-drop"])(
    "ends a broken Anthropic stream (%s) with an error event",
    async (model) => {
      const res = await post("/v1/messages", msg(model, true));
      const evs = await events(res);
      expect(evs.at(-1)?.event).toBe("error");
      const client = new Anthropic({ baseURL: stack.gateway.url, apiKey: "test-key", maxRetries: 0 });
      const stream = client.messages.stream({ model, max_tokens: 50, messages: userHello });
      await expect(stream.finalMessage()).rejects.toThrow();
    },
  );

  it("handles an upstream stream written in awkward pieces (split UTF-8, CRLF, comments)", async () => {
    const client = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: "test-key", maxRetries: 0 });
    const direct = new OpenAI({ baseURL: `${stack.mock.url}/v1`, apiKey: "x", maxRetries: 0 });
    const collect = async (c: OpenAI): Promise<string> => {
      let text = "";
      const stream = await c.chat.completions.create({
        model: "mock-awkward-chunks",
        stream: true,
        messages: userHello,
      });
      for await (const ch of stream) {
        text += ch.choices[0]?.delta.content ?? "";
      }
      return text;
    };
    const [viaGateway, viaDirect] = await Promise.all([collect(client), collect(direct)]);
    expect(viaGateway).toBe(viaDirect);
    expect(viaGateway).toMatch(/🙂/);
  });
});
