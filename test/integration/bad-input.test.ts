/**
 * Bad input table: each malformed or unauthorised request gets its dialect's error shape and status, with a
 * clear message, and the upstream never sees it.
 */
import { describe, expect, it } from "vitest";
import { hashKey } from "../../contracts/key-hash.ts";
import { testConfig, useStack } from "../helpers/processes.ts";

const stack = useStack((upstream) => {
  const base = testConfig(upstream);
  const config = testConfig(upstream, {
    keys: [
      ...(base.keys as unknown[]),
      {
        id: "k-relaxed",
        sha256: hashKey("relaxed-key"),
        tenant: "acme",
        policy: "relaxed",
        scopes: ["chat"],
      },
    ],
    policies: { strict: { preset: "asl3" }, relaxed: { preset: "asl2" } },
    routes: [
      { match: "small-*", upstream: "mock_openai", asl: 2 },
      { match: "gpt-*", upstream: "mock_openai" },
      { match: "claude-*", upstream: "mock_anthropic" },
    ],
    server: { modelBodyLimitBytes: 4096, maxScreenedChars: 1000 },
  });
  return config;
});

type Dialect = "openai" | "anthropic";
interface Case {
  name: string;
  dialect: Dialect;
  body: string;
  key?: string | null;
  status: number;
  type: string;
  message: RegExp;
}

const oa = (o: unknown): string => JSON.stringify(o);
const okOpenai = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
const okAnthropic = { model: "claude-3", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
const withImage = [
  {
    type: "image",
    source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo".padEnd(3000, "A") },
  },
  { type: "text", text: "What is in this picture?" },
];

const cases: Case[] = [
  {
    name: "malformed JSON",
    dialect: "openai",
    body: "{not json",
    status: 400,
    type: "invalid_request_error",
    message: /not valid JSON/,
  },
  {
    name: "malformed JSON",
    dialect: "anthropic",
    body: "{not json",
    status: 400,
    type: "invalid_request_error",
    message: /not valid JSON/,
  },
  {
    name: "missing messages",
    dialect: "openai",
    body: oa({ model: "gpt-4o" }),
    status: 400,
    type: "invalid_request_error",
    message: /messages/,
  },
  {
    name: "empty messages",
    dialect: "openai",
    body: oa({ model: "gpt-4o", messages: [] }),
    status: 400,
    type: "invalid_request_error",
    message: /at least one/,
  },
  {
    name: "missing max_tokens",
    dialect: "anthropic",
    body: oa({ model: "claude-3", messages: [{ role: "user", content: "hi" }] }),
    status: 400,
    type: "invalid_request_error",
    message: /max_tokens/,
  },
  {
    name: "bad role",
    dialect: "anthropic",
    body: oa({ ...okAnthropic, messages: [{ role: "wizard", content: "hi" }] }),
    status: 400,
    type: "invalid_request_error",
    message: /role/,
  },
  {
    name: "oversized body",
    dialect: "openai",
    body: oa({ ...okOpenai, messages: [{ role: "user", content: "x".repeat(5000) }] }),
    status: 413,
    type: "invalid_request_error",
    message: /exceeds 4096 bytes/,
  },
  {
    name: "oversized body",
    dialect: "anthropic",
    body: oa({ ...okAnthropic, messages: [{ role: "user", content: "x".repeat(5000) }] }),
    status: 413,
    type: "request_too_large",
    message: /exceeds 4096 bytes/,
  },
  {
    name: "text over the screening budget",
    dialect: "openai",
    body: oa({ ...okOpenai, messages: [{ role: "user", content: "y ".repeat(600) }] }),
    status: 413,
    type: "invalid_request_error",
    message: /exceeds the 1000 characters this gateway screens/,
  },
  {
    name: "text over the screening budget",
    dialect: "anthropic",
    body: oa({ ...okAnthropic, system: "z ".repeat(600) }),
    status: 413,
    type: "request_too_large",
    message: /exceeds the 1000 characters this gateway screens/,
  },
  {
    name: "unknown model",
    dialect: "openai",
    body: oa({ ...okOpenai, model: "llama-9" }),
    status: 404,
    type: "not_found_error",
    message: /llama-9/,
  },
  {
    name: "unknown model",
    dialect: "anthropic",
    body: oa({ ...okAnthropic, model: "gpt-4o" }),
    status: 404,
    type: "not_found_error",
    message: /gpt-4o/,
  },
  {
    name: "missing key",
    dialect: "openai",
    body: oa(okOpenai),
    key: null,
    status: 401,
    type: "authentication_error",
    message: /missing API key/,
  },
  {
    name: "bad key",
    dialect: "anthropic",
    body: oa(okAnthropic),
    key: "nope",
    status: 401,
    type: "authentication_error",
    message: /invalid API key/,
  },
  {
    name: "suspended key",
    dialect: "openai",
    body: oa(okOpenai),
    key: "suspended-key",
    status: 403,
    type: "permission_error",
    message: /suspended/,
  },
  {
    name: "suspended key",
    dialect: "anthropic",
    body: oa(okAnthropic),
    key: "suspended-key",
    status: 403,
    type: "permission_error",
    message: /suspended/,
  },
  {
    name: "ASL-2 policy on an ASL-3 model",
    dialect: "openai",
    body: oa(okOpenai),
    key: "relaxed-key",
    status: 403,
    type: "permission_error",
    message: /requires an ASL-3 policy/,
  },
  {
    name: "key without chat scope",
    dialect: "openai",
    body: oa(okOpenai),
    key: "classify-only",
    status: 403,
    type: "permission_error",
    message: /scope/,
  },
];

async function send(c: Case): Promise<Response> {
  const path = c.dialect === "openai" ? "/v1/chat/completions" : "/v1/messages";
  const headers: Record<string, string> = { "content-type": "application/json" };
  const key = c.key === undefined ? "test-key" : c.key;
  if (key !== null) {
    if (c.dialect === "openai") headers.authorization = `Bearer ${key}`;
    else headers["x-api-key"] = key;
  }
  return fetch(stack.gateway.url + path, { method: "POST", headers, body: c.body });
}

describe("bad input", () => {
  it.each(cases.map((c) => [`${c.dialect}: ${c.name}`, c] as const))("%s", async (_name, c) => {
    await fetch(`${stack.mock.url}/__mock/reset`, { method: "POST" });
    const res = await send(c);
    expect(res.status).toBe(c.status);
    const body = (await res.json()) as Record<string, unknown>;
    if (c.dialect === "openai") {
      const e = body.error as { message: string; type: string; code: string };
      expect(e.type).toBe(c.type);
      expect(e.message).toMatch(c.message);
    } else {
      expect(body.type).toBe("error");
      const e = body.error as { message: string; type: string };
      expect(e.type).toBe(c.type);
      expect(e.message).toMatch(c.message);
    }
    const stats = (await (await fetch(`${stack.mock.url}/__mock/stats`)).json()) as { requests: number };
    expect(stats.requests).toBe(0);
  });

  it("the same valid requests do reach the upstream (the table above is not vacuous)", async () => {
    for (const c of [
      { dialect: "openai", body: oa(okOpenai) },
      { dialect: "openai", body: oa({ ...okOpenai, model: "small-1" }), key: "relaxed-key" },
      { dialect: "anthropic", body: oa(okAnthropic) },
      // An inline image three times the text budget: base64 media is not text and does not count against it.
      {
        dialect: "anthropic",
        body: oa({ ...okAnthropic, messages: [{ role: "user", content: withImage }] }),
      },
    ] as const) {
      const res = await send({ ...c, name: "ok", status: 200, type: "", message: /./ });
      expect(res.status).toBe(200);
    }
    const stats = (await (await fetch(`${stack.mock.url}/__mock/stats`)).json()) as { requests: number };
    expect(stats.requests).toBeGreaterThanOrEqual(2);
  });

  it("unknown paths answer 404 in the OpenAI shape", async () => {
    const res = await fetch(`${stack.gateway.url}/v1/nothing`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("not_found_error");
  });
});
