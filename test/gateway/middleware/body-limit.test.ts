/**
 * One body limit on every route (issue 10, item 3): the gateway app with the review console, review API and admin
 * API mounted, served over real HTTP, answers an oversized POST with 413 while the client is still sending - with a
 * declared `content-length` before reading a byte, and with a chunked body as soon as the limit is passed - so the
 * body is never buffered. Bodies under the limit still reach the routes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createIncidentResponse,
  createSignatures,
  type IncidentResponse,
} from "../../../gateway/admin/incident-response.ts";
import { redisKeys } from "../../../contracts/redis-keys.ts";
import { createApp } from "../../../gateway/app.ts";
import { loadConfig } from "../../../config/load.ts";
import type { Deps } from "../../../gateway/env.ts";
import { createSpool } from "../../../gateway/incidents/spool.ts";
import { testAuditSecrets } from "../../helpers/audit.ts";
import { createStaticKeyStore } from "../../../gateway/keys/key-store.ts";
import { createMetrics } from "../../../gateway/observability/metrics.ts";
import { createRouter } from "../../../gateway/routing/router.ts";
import { createScreener } from "../../../gateway/screening/screener.ts";
import { incidentConfig, TOKENS, uniquePrefix } from "../../helpers/review.ts";

const LIMIT = 64 * 1024;
/** The model APIs' own, larger limit (inline images and documents). */
const MODEL_LIMIT = 4 * LIMIT;
/** What a client would send at most: far over the limit; an answer before this much was sent proves no buffering. */
const CAP = 32 * 1024 * 1024;

let server: ServerType;
let port: number;
let ir: IncidentResponse;
let conns: Redis[];
let dir: string;

beforeAll(async () => {
  const url = inject("redisUrl");
  const config = loadConfig({
    raw: incidentConfig("http://127.0.0.1:9", {
      redisUrl: url,
      prefix: uniquePrefix(),
      overrides: { server: { bodyLimitBytes: LIMIT, modelBodyLimitBytes: MODEL_LIMIT } },
    }),
    source: "test",
  });
  const logger = pino({ level: "silent" });
  const metrics = createMetrics({ collectDefaults: false });
  const redis = {
    command: new Redis(url),
    producer: new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 }),
    subscriber: new Redis(url),
  };
  conns = Object.values(redis);
  dir = mkdtempSync(join(tmpdir(), "portcullis-body-limit-"));
  const keys = redisKeys(config.redis.prefix);
  ir = createIncidentResponse({
    config,
    logger,
    metrics,
    redis,
    keys,
    spool: createSpool(join(dir, "spool.jsonl")),
    audit: testAuditSecrets(),
    signatures: createSignatures(redis.command, keys),
    policies: { live: new Map(), infos: [] },
  });
  const deps: Deps = {
    config,
    logger,
    metrics,
    keys: createStaticKeyStore(config.keys),
    router: createRouter(config),
    modelList: { ids: () => Promise.resolve([]) },
    upstreams: new Map(),
    policies: new Map(),
    classifiers: new Map(),
    screener: createScreener({ classifiers: new Map(), metrics }),
    incidents: ir.producer,
    ready: () => true,
  };
  await new Promise<void>((res) => {
    server = serve({ fetch: createApp(deps, [ir.register]).fetch, hostname: "127.0.0.1", port: 0 }, () =>
      res(),
    );
  });
  port = (server.address() as AddressInfo).port;
  consoleForm.origin = `http://127.0.0.1:${port}`;
  const login = await fetch(`http://127.0.0.1:${port}/review/login`, {
    method: "POST",
    headers: { origin: consoleForm.origin },
    body: new URLSearchParams({ token: TOKENS.reviewer }),
    redirect: "manual",
  });
  consoleForm.cookie = login.headers.get("set-cookie")?.split(";")[0];
});

afterAll(async () => {
  if ("closeAllConnections" in server) server.closeAllConnections();
  await new Promise((res) => server.close(res));
  await ir.close();
  for (const c of conns) c.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Body bytes written before the answer arrived. */
  sent: number;
}

/**
 * POSTs up to `CAP` bytes of filler (respecting back-pressure) and stops as soon as the server answers. With
 * `declared`, the request says `content-length: CAP` up front; without it the body is chunked.
 */
function flood(path: string, headers: OutgoingHttpHeaders, declared: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({
      host: "127.0.0.1",
      port,
      path,
      method: "POST",
      headers: { ...headers, ...(declared ? { "content-length": String(CAP) } : {}) },
    });
    req.on("response", (res) => {
      answered = true;
      const at = sent;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent: at });
      });
    });
    // After the answer the server closes the connection under a client still writing: that error is expected.
    req.on("error", (e) => {
      if (!answered) reject(e);
    });
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = (): void => {
      while (!answered && sent < CAP) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const form = { "content-type": "application/x-www-form-urlencoded" };
const json = { "content-type": "application/json" };
/** Console posts are same-origin and logged in: `origin` and the session `cookie` are set once the server listens. */
const consoleForm: OutgoingHttpHeaders = { ...form };
const routes: [string, OutgoingHttpHeaders, number][] = [
  ["/review/login", consoleForm, LIMIT],
  ["/review/claim", consoleForm, LIMIT],
  ["/review/api/claim", { ...json, authorization: `Bearer ${TOKENS.reviewer}` }, LIMIT],
  ["/admin/api/keys", { ...json, authorization: `Bearer ${TOKENS.admin}` }, LIMIT],
  ["/admin/api/policy-changes", { ...json, authorization: `Bearer ${TOKENS.admin}` }, LIMIT],
  ["/v1/classify", { ...json, authorization: "Bearer test-key" }, LIMIT],
  ["/v1/chat/completions", { ...json, authorization: "Bearer test-key" }, MODEL_LIMIT],
  ["/v1/responses", { ...json, authorization: "Bearer test-key" }, MODEL_LIMIT],
  ["/v1/messages", { ...json, "x-api-key": "test-key" }, MODEL_LIMIT],
  ["/v1/messages/count_tokens", { ...json, "x-api-key": "test-key" }, MODEL_LIMIT],
];

describe("a body limit on every route", () => {
  it.each(routes)(
    "POST %s with a declared oversized body: 413 before the body is sent",
    async (path, headers, limit) => {
      const r = await flood(path, headers, true);
      expect(r.status).toBe(413);
      expect(r.sent).toBeLessThan(CAP);
      expect(r.body).toContain(`exceeds ${limit} bytes`);
    },
  );

  it.each(routes)(
    "POST %s with an oversized chunked body: 413 while it is still being sent",
    async (path, headers) => {
      const r = await flood(path, headers, false);
      expect(r.status).toBe(413);
      expect(r.sent).toBeLessThan(CAP);
    },
  );

  it("reads a model API body between the two limits (an inline image) that other routes refuse", async () => {
    const image = `data:image/png;base64,${Buffer.alloc(2 * LIMIT, 7).toString("base64")}`;
    const body = JSON.stringify({
      model: "gpt-4o",
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: image } }] }],
    });
    const chat = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: "POST",
      headers: { ...json, authorization: "Bearer test-key" },
      body,
    });
    expect(chat.status).not.toBe(413);
    const classify = await fetch(`http://127.0.0.1:${port}/v1/classify`, {
      method: "POST",
      headers: { ...json, authorization: "Bearer test-key" },
      body,
    });
    expect(classify.status).toBe(413);
  });

  it("refuses a declared oversized body on routes that read none, and unauthenticated", async () => {
    for (const path of ["/review/logout", "/admin/api/policy-changes/x/approve", "/no-such-route"]) {
      const r = await flood(path, json, true);
      expect(r.status, path).toBe(413);
      expect(r.sent, path).toBeLessThan(CAP);
    }
  });

  it("answers in the route's dialect", async () => {
    const r = await flood("/v1/messages", { ...json, "x-api-key": "test-key" }, true);
    expect(JSON.parse(r.body)).toMatchObject({ type: "error", error: { type: "request_too_large" } });
    // An OpenAI endpoint answers in OpenAI's shape even to a client that also sends `anthropic-version`.
    const o = await flood("/v1/chat/completions", { ...json, "anthropic-version": "2023-06-01" }, true);
    expect(JSON.parse(o.body)).toMatchObject({ error: { type: "invalid_request_error" } });
    expect(JSON.parse(o.body)).not.toHaveProperty("type");
    // The review/admin APIs' `{error:{code,message}}`, whether refused before the route (declared) or in it (chunked).
    for (const declared of [true, false]) {
      const a = await flood(
        "/admin/api/keys",
        { ...json, authorization: `Bearer ${TOKENS.admin}` },
        declared,
      );
      expect(JSON.parse(a.body)).toMatchObject({ error: { code: "body_too_large" } });
    }
  });

  it("still reads bodies under the limit", async () => {
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/review/login`, {
      method: "POST",
      headers: { origin: base },
      body: new URLSearchParams({ token: "not-a-token" }),
      redirect: "manual",
    });
    expect(login.status).toBe(401);
    const ok = await fetch(`${base}/review/login`, {
      method: "POST",
      headers: { origin: base },
      body: new URLSearchParams({ token: TOKENS.reviewer }),
      redirect: "manual",
    });
    expect(ok.status).toBe(303);
    const admin = await fetch(`${base}/admin/api/keys`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${TOKENS.admin}` },
      body: JSON.stringify({ policy: "strict" }),
    });
    expect(admin.status).toBe(400);
    expect(JSON.stringify(await admin.json())).toContain("tenant");
  });
});
