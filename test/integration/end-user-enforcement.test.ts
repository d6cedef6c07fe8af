/**
 * Issue 11, item 3: enforcement per end user, and `Retry-After` on every 429. A real gateway with its worker child
 * and a low throttle threshold, driven by the official SDKs (no retries): an end user named by OpenAI `user` /
 * `safety_identifier`, Anthropic `metadata.user_id` or the configured header is throttled (429 with the seconds
 * left) or suspended (403) alone, while the key's other end users and requests naming nobody keep their answers; a
 * key throttled by anonymous strikes still answers 429 with `Retry-After`; an upstream 429 passes its
 * `Retry-After` through (and gets 1 when it sent none).
 */
import type { ServerResponse } from "node:http";
import Anthropic from "@anthropic-ai/sdk";
import { Redis } from "ioredis";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BENIGN_COMPLETION } from "../../gateway/embedded/demo-upstream/text.ts";
import { redisKeys } from "../../contracts/redis-keys.ts";
import { endUserHash } from "../../gateway/keys/end-user.ts";
import { hashKey } from "../../contracts/key-hash.ts";
import { useStack } from "../helpers/processes.ts";
import {
  api,
  CBRN_PROMPT,
  incidentConfig,
  TOKENS,
  uniquePrefix,
  waitFor,
  workersReady,
} from "../helpers/review.ts";
import { useScriptedUpstream } from "../helpers/scripted-upstream.ts";

const THROTTLE_SECONDS = 120;
const prefix = uniquePrefix();
const up = useScriptedUpstream();
const stack = useStack((mockUrl) => {
  const base = incidentConfig(mockUrl, {
    redisUrl: inject("redisUrl"),
    prefix,
    overrides: {
      enforcement: {
        thresholds: { throttle: 2, suspend: 100 },
        throttleSeconds: THROTTLE_SECONDS,
        endUserHeaders: ["X-End-User"],
      },
    },
  });
  const keys = base.keys as unknown[];
  const routes = base.routes as unknown[];
  return {
    ...base,
    upstreams: {
      ...(base.upstreams as Record<string, unknown>),
      scripted: { baseUrl: up.url, dialect: "openai", headersTimeoutMs: 3000 },
    },
    routes: [{ match: "scripted-*", upstream: "scripted" }, ...routes],
    keys: [...keys, { id: "k-solo", sha256: hashKey("solo-key"), tenant: "solo", policy: "strict" }],
  };
});

let openai: OpenAI;
let anthropic: Anthropic;
let redis: Redis;

beforeAll(async () => {
  openai = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: "test-key", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: stack.gateway.url, apiKey: "test-key", maxRetries: 0 });
  redis = new Redis(inject("redisUrl"));
  await workersReady(stack.gateway);
}, 60_000);
afterAll(() => {
  redis?.disconnect();
});

type Ident = { user?: string; safety_identifier?: string; header?: string; key?: string };

/** A chat request with raw fetch: status, `Retry-After`, body text. */
async function send(o: Ident & { content: string; model?: string }) {
  const res = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${o.key ?? "test-key"}`,
      "content-type": "application/json",
      ...(o.header !== undefined ? { "x-end-user": o.header } : {}),
    },
    body: JSON.stringify({
      model: o.model ?? "mock-benign",
      messages: [{ role: "user", content: o.content }],
      ...(o.user !== undefined ? { user: o.user } : {}),
      ...(o.safety_identifier !== undefined ? { safety_identifier: o.safety_identifier } : {}),
    }),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), text: await res.text() };
}

/** Two blocked prompts (two strikes at threshold 2), then waits until the worker's throttle reached the gateway. */
async function strikeOut(o: Ident): Promise<void> {
  for (let i = 0; i < 2; i++) expect((await send({ ...o, content: CBRN_PROMPT })).status).toBe(200);
  await waitFor(async () => (await send({ ...o, content: "hello" })).status === 429, 20_000, 100);
}

const benign = async (ident: Omit<Ident, "header" | "key">) => {
  const r = await openai.chat.completions.create({
    model: "mock-benign",
    messages: [{ role: "user", content: "How do I bake sourdough?" }],
    ...ident,
  });
  return r.choices[0]?.message.content;
};

function expectThrottleRetryAfter(value: string | null): void {
  const seconds = Number(value);
  expect(Number.isInteger(seconds)).toBe(true);
  expect(seconds).toBeGreaterThan(THROTTLE_SECONDS - 30);
  expect(seconds).toBeLessThanOrEqual(THROTTLE_SECONDS);
}

describe("enforcement per end user", () => {
  it("throttles the OpenAI `user` who struck out, with Retry-After; other users and anonymous requests go on", async () => {
    await strikeOut({ user: "alice" });
    const err = await benign({ user: "alice" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expectThrottleRetryAfter((err as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after"));
    // The same person named by safety_identifier is the same end user.
    await expect(benign({ safety_identifier: "alice" })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect(await benign({ user: "bob" })).toBe(BENIGN_COMPLETION);
    expect(await benign({ safety_identifier: "bob" })).toBe(BENIGN_COMPLETION);
    expect(await benign({})).toBe(BENIGN_COMPLETION);
    // The key itself was never struck: its status hash is empty, the end user's holds only the hash.
    expect(await redis.hget(redisKeys(prefix).keyStatus, "k-test")).toBeNull();
    const statuses = await redis.hgetall(redisKeys(prefix).endUserStatus);
    expect(Object.keys(statuses)).toContain(`k-test:${endUserHash("k-test", "alice")}`);
    expect(JSON.stringify(statuses)).not.toContain("alice");
  });

  it("throttles the Anthropic `metadata.user_id` who struck out, alone", async () => {
    const ask = (user: string, content: string) =>
      anthropic.messages.create({
        model: "mock-benign",
        max_tokens: 50,
        metadata: { user_id: user },
        messages: [{ role: "user", content }],
      });
    for (let i = 0; i < 2; i++) expect((await ask("carol", CBRN_PROMPT)).stop_reason).toBe("refusal");
    const err = await waitFor(async () => {
      const e = await ask("carol", "hello").catch((x: unknown) => x);
      return e instanceof Anthropic.RateLimitError ? e : undefined;
    }, 20_000);
    expect(err.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expectThrottleRetryAfter(err.headers.get("retry-after"));
    const ok = await ask("dave", "How do I bake sourdough?");
    expect(ok.content[0]).toMatchObject({ type: "text", text: BENIGN_COMPLETION });
  });

  it("reads the configured header when the body names nobody; the body's field wins over it", async () => {
    await strikeOut({ header: "erin" });
    const throttled = await send({ header: "erin", content: "hello" });
    expect(throttled.status).toBe(429);
    expectThrottleRetryAfter(throttled.retryAfter);
    expect((await send({ header: "frank", content: "hello" })).status).toBe(200);
    expect((await send({ header: "erin", user: "gina", content: "hello" })).status).toBe(200);
  });

  it("suspends and reinstates one end user through the admin API (403 meanwhile), audited by hash", async () => {
    const hank = endUserHash("k-test", "hank");
    const path = `/admin/api/keys/k-test/end-users/${hank}`;
    const admin = (verb: string) =>
      api(stack.gateway.url, TOKENS.admin, "POST", `${path}/${verb}`, { reason: "t" });
    expect((await api(stack.gateway.url, TOKENS.reviewer, "POST", `${path}/suspend`)).status).toBe(403);
    expect(
      (await api(stack.gateway.url, TOKENS.admin, "POST", "/admin/api/keys/k-test/end-users/hank/suspend"))
        .status,
    ).toBe(400);
    expect(
      (await api(stack.gateway.url, TOKENS.admin, "POST", `/admin/api/keys/nope/end-users/${hank}/suspend`))
        .status,
    ).toBe(404);

    expect(await admin("suspend")).toEqual({
      status: 200,
      body: { keyId: "k-test", endUser: hank, status: "suspended" },
    });
    const err = await waitFor(async () => {
      const e = await benign({ user: "hank" }).catch((x: unknown) => x);
      return e instanceof OpenAI.PermissionDeniedError ? e : undefined;
    }, 1_000);
    expect(err.status).toBe(403);
    expect((await api(stack.gateway.url, TOKENS.admin, "GET", path)).body).toMatchObject({
      status: "suspended",
    });
    expect(await benign({ user: "ivan" })).toBe(BENIGN_COMPLETION);

    expect((await admin("reinstate")).body).toMatchObject({ status: "active" });
    await waitFor(
      async () => (await benign({ user: "hank" }).catch(() => undefined)) === BENIGN_COMPLETION,
      1_000,
    );
    const audit = await api(stack.gateway.url, TOKENS.admin, "GET", "/admin/api/audit?limit=1000");
    const mine = (audit.body as { action: string; details: { endUser?: string } }[]).filter((e) =>
      e.action.startsWith("end_user."),
    );
    expect(mine.map((e) => e.action)).toEqual(
      expect.arrayContaining(["end_user.throttle", "end_user.suspend", "end_user.reinstate"]),
    );
    expect(mine.filter((e) => e.details.endUser === hank)).toHaveLength(2);
    expect(JSON.stringify(audit.body)).not.toMatch(/"(alice|carol|erin|hank)"/);
  });

  it("a reviewer holding the incident's lease suspends its end user from review; the key's others go on", async () => {
    const res = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer test-key", "content-type": "application/json" },
      body: JSON.stringify({
        model: "mock-benign",
        user: "judy",
        // Worded apart from the other tests' prompts: intake sends repeats of one conversation from a key to
        // review once.
        messages: [{ role: "user", content: `${CBRN_PROMPT} Asking for judy.` }],
      }),
    });
    const id = res.headers.get("x-portcullis-incident") ?? "";
    expect(id).toMatch(/^inc_/);
    const url = stack.gateway.url;
    const stored = await waitFor(async () => {
      const r = await api(url, TOKENS.reviewer, "GET", `/review/api/incidents/${id}`);
      return r.status === 200 ? (r.body as { client: { endUser?: string } }) : undefined;
    }, 20_000);
    expect(stored.client.endUser).toBe(endUserHash("k-test", "judy"));
    const suspend = () =>
      api(url, TOKENS.reviewer, "POST", `/review/api/incidents/${id}/suspend-end-user`, { reason: "t" });
    expect((await suspend()).status).toBe(409); // not claimed: no lease
    for (let i = 0; i < 100; i++) {
      const claimed = await api(url, TOKENS.reviewer, "POST", "/review/api/claim", {});
      if ((claimed.body as { id?: string } | null)?.id === id) break;
    }
    expect((await suspend()).body).toMatchObject({ keyId: "k-test", endUser: endUserHash("k-test", "judy") });
    await waitFor(async () => (await send({ user: "judy", content: "hello" })).status === 403, 2_000);
    expect(await benign({ user: "kim" })).toBe(BENIGN_COMPLETION);
  });

  it("still throttles a whole key struck by requests that name no end user, with Retry-After", async () => {
    await strikeOut({ key: "solo-key" });
    const solo = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: "solo-key", maxRetries: 0 });
    const err = await solo.chat.completions
      .create({ model: "mock-benign", messages: [{ role: "user", content: "hi" }], user: "someone" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expectThrottleRetryAfter((err as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after"));
  });
});

describe("Retry-After of an upstream 429", () => {
  const rateLimited =
    (retryAfter?: string) =>
    (_req: unknown, res: ServerResponse): void => {
      const body = JSON.stringify({ error: { message: "slow down", type: "rate_limit_error", code: null } });
      res.writeHead(429, {
        "content-type": "application/json",
        ...(retryAfter !== undefined ? { "retry-after": retryAfter } : {}),
      });
      res.end(body);
    };
  const ask = (stream: boolean) =>
    openai.chat.completions
      .create({ model: "scripted-gpt", stream, messages: [{ role: "user", content: "hello" }] })
      .then(() => undefined)
      .catch((e: unknown) => e as InstanceType<typeof OpenAI.RateLimitError>);

  it("passes the upstream's Retry-After through, JSON and streaming", async () => {
    up.reply = rateLimited("7");
    for (const stream of [false, true]) {
      const err = await ask(stream);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(err?.headers.get("retry-after")).toBe("7");
      expect(err?.message).toContain("slow down");
    }
  });

  it("sends 1 when the upstream's 429 has no (or no well-formed) Retry-After", async () => {
    for (const value of [undefined, "soon", "-5"]) {
      up.reply = rateLimited(value);
      const err = await ask(false);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(err?.headers.get("retry-after")).toBe("1");
    }
  });
});
