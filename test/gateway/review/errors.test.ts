/**
 * The review API's and console's errors (issue 12): one `GatewayError`, rendered as `{error:{code,message}}` by
 * the API and as an error page by the console; bodies and forms checked by the gateway's one validation path; and
 * Redis outages told from bugs by the client's state, not by error text - against the real test Redis, with the
 * client really disconnected.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ENFORCEMENT_QUEUE } from "../../../contracts/incident.ts";
import { redisKeys } from "../../../contracts/redis-keys.ts";
import { GatewayError, toGatewayError } from "../../../gateway/errors.ts";
import { createKeyAdmin } from "../../../gateway/keys/key-admin.ts";
import { hashKey } from "../../../contracts/key-hash.ts";
import { createReviewActions } from "../../../gateway/review/actions.ts";
import { createReviewApi } from "../../../gateway/review/api.ts";
import { createConsole, SESSION_COOKIE } from "../../../gateway/review/console.tsx";
import { createReviewStore } from "../../../gateway/review/review-store.ts";
import { createSessionStore } from "../../../gateway/review/sessions.ts";
import { createTokenAuth } from "../../../gateway/review/tokens.ts";
import { createSignatureStore } from "../../../gateway/signatures/signature-store.ts";
import { createSpecificityCheck } from "../../../gateway/signatures/specificity.ts";
import { testAuditLog } from "../../helpers/audit.ts";
import { uniquePrefix } from "../../helpers/review.ts";

const UNAVAILABLE = {
  error: { code: "unavailable", message: "the incident store (Redis) is unavailable; retry shortly" },
};
const INTERNAL = { error: { code: "internal", message: "internal error in the gateway" } };

describe("toGatewayError", () => {
  it("maps by the client's state, not the error's text", () => {
    const closed = new Error("Connection is closed.");
    expect(toGatewayError(closed, { redisReady: () => true })).toMatchObject({
      code: "internal",
      status: 500,
    });
    const odd = new TypeError("cannot read properties of undefined");
    expect(toGatewayError(odd, { redisReady: () => false })).toMatchObject({
      code: "unavailable",
      status: 503,
    });
    // Without a Redis dependency nothing is "unavailable".
    expect(toGatewayError(closed)).toMatchObject({ code: "internal", status: 500 });
  });

  it("keeps a GatewayError and reads an AbortError as the client leaving, whatever Redis does", () => {
    const ge = new GatewayError("conflict", "taken");
    expect(toGatewayError(ge, { redisReady: () => false })).toBe(ge);
    expect(ge.status).toBe(409);
    const abort = new DOMException("gone", "AbortError");
    expect(toGatewayError(abort, { redisReady: () => false })).toMatchObject({ code: "client_closed" });
  });
});

describe("review API and console errors", () => {
  let redis: Redis;
  let enforcement: Queue;
  let keys: ReturnType<typeof redisKeys>;
  let app: ReturnType<typeof createReviewApi>;
  let consoleApp: ReturnType<typeof createConsole>;
  let cookie: string;
  const internal: unknown[] = [];

  beforeAll(async () => {
    redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
    const prefix = uniquePrefix();
    keys = redisKeys(prefix);
    enforcement = new Queue(ENFORCEMENT_QUEUE, { connection: redis, prefix });
    const publish = () => Promise.resolve();
    const store = createReviewStore({ redis, keys, leaseSeconds: 60 });
    const signatures = createSignatureStore({ redis, keys, publish });
    const actions = createReviewActions({
      store,
      audit: testAuditLog({ redis, keys }),
      keyAdmin: createKeyAdmin({ redis, keys, publish }),
      signatures,
      enforcement,
      specificity: createSpecificityCheck(),
    });
    const tokens = createTokenAuth([{ id: "rev-1", sha256: hashKey("t-1"), role: "reviewer" }]);
    const common = {
      tokens,
      store,
      actions,
      signatures,
      bodyLimitBytes: 1024,
      redisReady: () => redis.status === "ready",
      onInternalError: (e: unknown) => internal.push(e),
    };
    app = createReviewApi(common);
    const sessions = createSessionStore({ redis, keys, tokens, ttlSeconds: 60 });
    consoleApp = createConsole({ ...common, sessions });
    cookie = `${SESSION_COOKIE}=${await sessions.create("t-1")}`;
  });
  afterAll(async () => {
    await enforcement.close().catch(() => undefined);
    redis.disconnect();
  });

  const call = async (method: string, path: string, body?: string) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: "Bearer t-1" },
      ...(body !== undefined ? { body } : {}),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
  };

  it("renders auth, validation and not-found errors as {error:{code,message}}", async () => {
    expect(await app.request("/queues")).toMatchObject({ status: 401 });
    expect(await (await app.request("/queues")).json()).toEqual({
      error: { code: "unauthorized", message: "send Authorization: Bearer <review or admin token>" },
    });
    expect(await call("POST", "/incidents/x/suspend-key", "{nope")).toEqual({
      status: 400,
      body: { error: { code: "invalid_json", message: "request body is not valid JSON" } },
    });
    expect(await call("POST", "/incidents/x/suspend-key", "")).toEqual({
      status: 400,
      body: {
        error: {
          code: "invalid_request",
          message: "reason: Invalid input: expected string, received undefined",
        },
      },
    });
    expect(
      await call("POST", "/incidents/x/suspend-key", JSON.stringify({ reason: "x".repeat(2000) })),
    ).toEqual({
      status: 413,
      body: { error: { code: "body_too_large", message: "request body exceeds 1024 bytes" } },
    });
    expect(await call("GET", "/incidents/inc_none")).toEqual({
      status: 404,
      body: { error: { code: "not_found", message: "no incident inc_none" } },
    });
    expect(internal).toEqual([]);
  });

  /** A same-origin, logged-in console form post (or GET without `form`); the status and the error page's text. */
  const page = async (path: string, form?: Record<string, string>) => {
    const res = await consoleApp.request(`http://localhost${path}`, {
      method: form ? "POST" : "GET",
      headers: { cookie, origin: "http://localhost" },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    const html = await res.text();
    return { status: res.status, error: /id="error">([^<]*)</.exec(html)?.[1] };
  };

  it("shows the console's form errors from the same validation path", async () => {
    expect(await page("/claim", { queue: "nope" })).toEqual({ status: 400, error: "unknown review queue" });
    expect(await page("/incidents/x/decision", { decision: "violation" })).toEqual({
      status: 400,
      error: "category: a violation needs a category",
    });
    expect(await page("/signatures/x/remove", { reason: " " })).toEqual({
      status: 400,
      error: "say why the signature is removed",
    });
    expect(await page("/incidents/inc_none")).toEqual({
      status: 404,
      error: "no such incident (it may have expired)",
    });
    expect(internal).toEqual([]);
  });

  it("does not report a client that left while sending its body as an internal error", async () => {
    /** A body that breaks off the way an aborted upload does under `app.request()`. */
    const leaving = () =>
      new ReadableStream<Uint8Array>({
        start(ctl) {
          ctl.enqueue(new TextEncoder().encode('{"reason":'));
          ctl.error(new DOMException("the client left", "AbortError"));
        },
      });
    const api = await app.request("/incidents/x/suspend-key", {
      method: "POST",
      headers: { authorization: "Bearer t-1" },
      body: leaving(),
      duplex: "half",
    } as RequestInit);
    expect(await api.json()).toEqual({
      error: { code: "client_closed", message: "the client closed the request" },
    });
    const form = await consoleApp.request("http://localhost/claim", {
      method: "POST",
      headers: { cookie, origin: "http://localhost", "content-type": "application/x-www-form-urlencoded" },
      body: leaving(),
      duplex: "half",
    } as RequestInit);
    expect(form.status).toBe(400);
    expect(internal).toEqual([]);
  });

  it("answers a failure with Redis up as 500 internal, and the same request with Redis down as 503", async () => {
    await redis.set(keys.incident("inc_corrupt"), "{corrupt");
    expect(await call("GET", "/incidents/inc_corrupt")).toEqual({ status: 500, body: INTERNAL });
    expect(internal).toHaveLength(1);
    expect(internal[0]).toBeInstanceOf(SyntaxError);

    const ended = new Promise((res) => redis.once("end", res));
    redis.disconnect();
    await ended;
    expect(redis.status).toBe("end");
    expect(await call("GET", "/incidents/inc_corrupt")).toEqual({ status: 503, body: UNAVAILABLE });
    expect(await call("GET", "/queues")).toEqual({ status: 503, body: UNAVAILABLE });
    expect(await page("/")).toEqual({ status: 503, error: UNAVAILABLE.error.message });
    // Failures that are the request's own stay what they are while Redis is down.
    expect((await call("POST", "/claim", "[")).status).toBe(400);
  });
});
