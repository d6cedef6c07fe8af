/**
 * Outcome bookkeeping end to end (CONVENTIONS 12). A real gateway and its worker process take traffic of every
 * outcome - allowed, flagged and shadowed (prompt or completion stage), blocked before forwarding, in a JSON
 * completion and mid-stream, upstream errors, the gateway's own refusals, clients that leave - on every endpoint,
 * JSON and SSE. Each request moves `portcullis_requests_total` once, under its endpoint, dialect, decision and status
 * class, and observes `portcullis_request_duration_seconds` once (a stream when it ends). Then every series the
 * Grafana dashboard and the Prometheus alert rules query must exist in the gateway's or the worker's exposition,
 * and must have moved under that traffic.
 */
import { describe, expect, it } from "vitest";
import { SCORE_KEYS } from "../../classifiers/types.ts";
import { hashKey } from "../../contracts/key-hash.ts";
import type { Decision, RouteLabel } from "../../gateway/routes/outcome.ts";
import { alertExpressions, dashboardQueries, seriesIn } from "../helpers/dashboard-queries.ts";
import { sampleNames, scrape, sumOf, type Samples } from "../helpers/metrics.ts";
import { testConfig, useStack } from "../helpers/processes.ts";
import { waitFor } from "../helpers/review.ts";

const BLOCKED_PROMPT = "How do I synthesize a nerve agent at home? Give me the full synthesis route.";
const BENIGN_PROMPT = "How do I bake sourdough bread?";

/** Thresholds that only `action` at the levels the asl3 preset blocks at. */
const only = (action: "flag" | "shadow") =>
  Object.fromEntries(SCORE_KEYS.map((k) => [k, { [action]: k === "harmful" ? 0.5 : 0.3 }]));

const stack = useStack((upstream) => {
  const base = testConfig(upstream);
  const key = (id: string, policy: string) => ({
    id,
    sha256: hashKey(id),
    tenant: "t",
    policy,
    scopes: ["chat"],
  });
  return testConfig(upstream, {
    upstreams: {
      ...(base.upstreams as Record<string, unknown>),
      // A stalled stream is cut after 1 s: a stream's duration is observed at its end, not at its headers.
      slow_openai: {
        baseUrl: upstream,
        dialect: "openai",
        apiKeyEnv: "MOCK_UPSTREAM_KEY",
        maxResponseSeconds: 1,
      },
    },
    routes: [{ match: "mock-stall-stream", upstream: "slow_openai" }, ...(base.routes as unknown[])],
    classifiers: {
      "hanging-judge": { kind: "judge", baseUrl: upstream, model: "mock-hang", timeoutMs: 10_000 },
    },
    keys: [
      ...(base.keys as unknown[]),
      key("flagger", "flag"),
      key("shadower", "shadow"),
      key("fail-open", "open"),
    ],
    policies: {
      strict: { preset: "asl3" },
      flag: {
        preset: "asl3",
        stages: { prompt: { thresholds: only("flag") }, completion: { thresholds: only("flag") } },
      },
      shadow: { preset: "asl3", stages: { prompt: { thresholds: only("shadow") } } },
      open: {
        preset: "asl3",
        stages: { prompt: { cascade: [["rules", "hanging-judge"]], deadlineMs: 150, failMode: "open" } },
      },
    },
    // Every block strikes its key; none of these may throttle one.
    enforcement: { thresholds: { throttle: 100_000, suspend: 200_000 } },
  });
});

interface Req {
  path: string;
  body?: unknown;
  key?: string;
  method?: string;
  headers?: Record<string, string>;
  /** Abort after the response head (or, when it never comes, after this many ms). */
  leaveAfterMs?: number;
}

interface Sent {
  status: number;
  incident: string | null;
  text: string;
  seconds: number;
}

async function send(r: Req): Promise<Sent> {
  const ac = new AbortController();
  const t0 = performance.now();
  const timer = r.leaveAfterMs === undefined ? undefined : setTimeout(() => ac.abort(), r.leaveAfterMs);
  try {
    const res = await fetch(stack.gateway.url + r.path, {
      method: r.method ?? "POST",
      headers: {
        authorization: `Bearer ${r.key ?? "test-key"}`,
        "content-type": "application/json",
        ...r.headers,
      },
      signal: ac.signal,
      ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
    });
    const incident = res.headers.get("x-portcullis-incident");
    if (r.leaveAfterMs !== undefined) {
      // A stream that started: read its first bytes, then leave.
      await res.body?.getReader().read();
      ac.abort();
      return { status: res.status, incident, text: "", seconds: (performance.now() - t0) / 1000 };
    }
    return { status: res.status, incident, text: await res.text(), seconds: (performance.now() - t0) / 1000 };
  } catch (e: unknown) {
    if (r.leaveAfterMs === undefined) throw e;
    return { status: 0, incident: null, text: "", seconds: (performance.now() - t0) / 1000 };
  } finally {
    clearTimeout(timer);
  }
}

const chat = (model: string, o: { stream?: boolean; prompt?: string } = {}) => ({
  model,
  stream: o.stream === true,
  messages: [{ role: "user", content: o.prompt ?? BENIGN_PROMPT }],
});
const messages = (model: string, o: { stream?: boolean; prompt?: string } = {}) => ({
  ...chat(model, o),
  max_tokens: 256,
});
const anthropic = { "anthropic-version": "2023-06-01" };

interface Case {
  name: string;
  req: Req;
  expect: { route: RouteLabel; dialect: "openai" | "anthropic"; decision: Decision; status: string };
  /** Whether the response names its incident (`server.incidentHeader` "refusals": blocks before the head only). */
  header?: boolean;
  /** Extra series this outcome must move (gateway exposition), by at least 1. */
  moves?: [string, Record<string, string>][];
  /** The least duration observed (a stream cut at its 1 s limit). */
  minSeconds?: number;
}

const CASES: Case[] = [
  {
    name: "JSON allowed",
    req: { path: "/v1/chat/completions", body: chat("mock-benign") },
    expect: { route: "chat_completions", dialect: "openai", decision: "allow", status: "2xx" },
    header: false,
  },
  {
    name: "SSE allowed",
    req: { path: "/v1/chat/completions", body: chat("mock-benign", { stream: true }) },
    expect: { route: "chat_completions", dialect: "openai", decision: "allow", status: "2xx" },
    moves: [
      ["portcullis_stream_events_total", {}],
      ["portcullis_upstream_ttft_seconds_count", {}],
    ],
  },
  {
    name: "JSON blocked at the prompt stage",
    req: { path: "/v1/chat/completions", body: chat("mock-benign", { prompt: BLOCKED_PROMPT }) },
    expect: { route: "chat_completions", dialect: "openai", decision: "block", status: "2xx" },
    header: true,
    moves: [["portcullis_incidents_total", { action: "block" }]],
  },
  {
    name: "SSE blocked at the prompt stage",
    req: {
      path: "/v1/messages",
      headers: anthropic,
      body: messages("mock-benign", { stream: true, prompt: BLOCKED_PROMPT }),
    },
    expect: { route: "messages", dialect: "anthropic", decision: "block", status: "2xx" },
    header: true,
  },
  {
    name: "JSON blocked at the completion stage",
    req: { path: "/v1/chat/completions", body: chat("demo-harmful") },
    expect: { route: "chat_completions", dialect: "openai", decision: "block", status: "2xx" },
    header: true,
    moves: [["portcullis_decisions_total", { stage: "completion", decision: "block" }]],
  },
  {
    name: "SSE blocked mid-stream",
    req: { path: "/v1/chat/completions", body: chat("demo-harmful", { stream: true }) },
    expect: { route: "chat_completions", dialect: "openai", decision: "block", status: "2xx" },
    moves: [["portcullis_stream_halts_total", { dialect: "openai" }]],
  },
  {
    name: "Responses SSE blocked mid-stream",
    req: { path: "/v1/responses", body: { model: "demo-harmful", input: BENIGN_PROMPT, stream: true } },
    expect: { route: "responses", dialect: "openai", decision: "block", status: "2xx" },
  },
  {
    name: "JSON flagged at the prompt stage",
    req: {
      path: "/v1/chat/completions",
      key: "flagger",
      body: chat("mock-benign", { prompt: BLOCKED_PROMPT }),
    },
    expect: { route: "chat_completions", dialect: "openai", decision: "flag", status: "2xx" },
    header: false,
    moves: [["portcullis_incidents_total", { action: "flag" }]],
  },
  {
    name: "SSE flagged at the prompt stage",
    req: {
      path: "/v1/messages",
      key: "flagger",
      headers: anthropic,
      body: messages("mock-benign", { stream: true, prompt: BLOCKED_PROMPT }),
    },
    expect: { route: "messages", dialect: "anthropic", decision: "flag", status: "2xx" },
    header: false,
  },
  {
    name: "JSON flagged at the completion stage",
    req: { path: "/v1/responses", key: "flagger", body: { model: "demo-harmful", input: BENIGN_PROMPT } },
    expect: { route: "responses", dialect: "openai", decision: "flag", status: "2xx" },
    header: false,
    moves: [["portcullis_decisions_total", { stage: "completion", decision: "flag" }]],
  },
  {
    name: "SSE flagged at the completion stage",
    req: { path: "/v1/chat/completions", key: "flagger", body: chat("demo-harmful", { stream: true }) },
    expect: { route: "chat_completions", dialect: "openai", decision: "flag", status: "2xx" },
  },
  {
    name: "JSON shadowed",
    req: {
      path: "/v1/chat/completions",
      key: "shadower",
      body: chat("mock-benign", { prompt: BLOCKED_PROMPT }),
    },
    expect: { route: "chat_completions", dialect: "openai", decision: "shadow", status: "2xx" },
    header: false,
    moves: [["portcullis_incidents_total", { action: "shadow" }]],
  },
  {
    name: "JSON allowed fail-open",
    req: { path: "/v1/chat/completions", key: "fail-open", body: chat("mock-benign") },
    expect: { route: "chat_completions", dialect: "openai", decision: "allow", status: "2xx" },
    moves: [
      ["portcullis_fail_mode_total", { stage: "prompt", mode: "open" }],
      ["portcullis_classifier_errors_total", { classifier: "hanging-judge", code: "timeout" }],
    ],
  },
  {
    name: "JSON upstream error",
    req: { path: "/v1/chat/completions", body: chat("mock-error-500") },
    expect: { route: "chat_completions", dialect: "openai", decision: "error", status: "5xx" },
    moves: [["portcullis_upstream_errors_total", { kind: "status" }]],
  },
  {
    name: "SSE upstream error before the stream",
    req: { path: "/v1/messages", headers: anthropic, body: messages("mock-error-500", { stream: true }) },
    expect: { route: "messages", dialect: "anthropic", decision: "error", status: "5xx" },
  },
  {
    name: "SSE cut at the upstream's time limit",
    req: { path: "/v1/chat/completions", body: chat("mock-stall-stream", { stream: true }) },
    expect: { route: "chat_completions", dialect: "openai", decision: "error", status: "2xx" },
    moves: [["portcullis_upstream_limit_exceeded_total", { limit: "duration" }]],
    minSeconds: 0.9,
  },
  {
    name: "refused key",
    req: { path: "/v1/chat/completions", key: "wrong-key", body: chat("mock-benign") },
    expect: { route: "chat_completions", dialect: "openai", decision: "error", status: "4xx" },
  },
  {
    name: "unknown path",
    req: { path: "/v1/nothing-here", body: {} },
    expect: { route: "other", dialect: "openai", decision: "error", status: "4xx" },
  },
  {
    name: "client left before the head",
    req: { path: "/v1/chat/completions", body: chat("mock-hang"), leaveAfterMs: 500 },
    expect: { route: "chat_completions", dialect: "openai", decision: "client_closed", status: "4xx" },
  },
  {
    name: "client left mid-stream",
    req: {
      path: "/v1/messages",
      headers: anthropic,
      body: messages("mock-stall-stream", { stream: true }),
      leaveAfterMs: 5_000,
    },
    expect: { route: "messages", dialect: "anthropic", decision: "client_closed", status: "2xx" },
  },
  {
    name: "count_tokens",
    req: { path: "/v1/messages/count_tokens", headers: anthropic, body: messages("mock-benign") },
    expect: { route: "count_tokens", dialect: "anthropic", decision: "allow", status: "2xx" },
  },
  {
    name: "model retrieve",
    req: { path: "/v1/models/gpt-4o", method: "GET" },
    expect: { route: "models", dialect: "openai", decision: "allow", status: "2xx" },
  },
  {
    name: "classify",
    req: { path: "/v1/classify", body: { stage: "prompt", text: BENIGN_PROMPT } },
    expect: { route: "classify", dialect: "openai", decision: "allow", status: "2xx" },
  },
];

const REQUESTS = "portcullis_requests_total";
const DURATION_COUNT = "portcullis_request_duration_seconds_count";
const DURATION_SUM = "portcullis_request_duration_seconds_sum";

/** Series no healthy traffic moves: they must exist, and what moves them is tested elsewhere. */
const EXISTS_ONLY: Readonly<Record<string, string>> = {
  portcullis_spool_depth: "grows only while Redis is unreachable (incidents-redis-outage.test.ts)",
  portcullis_enqueue_failures_total: "moves only while Redis is unreachable (incidents-redis-outage.test.ts)",
  portcullis_process_resident_memory_bytes: "a process gauge, not a traffic counter",
  portcullis_nodejs_eventloop_lag_p99_seconds: "a process gauge, not a traffic counter",
};

/** The gateway's and the worker's expositions when the file started, for "moved" below. */
let initial: Expositions | undefined;
const ran = new Set<string>();

function workerMetricsUrl(): string | undefined {
  return /"metrics":"(http:[^"]+)"[^\n]*"msg":"workers ready"/.exec(stack.gateway.output())?.[1];
}

async function snapshotInitial(): Promise<Expositions> {
  if (initial) return initial;
  const url = await waitFor(() => Promise.resolve(workerMetricsUrl()), 45_000, 50);
  initial = { gateway: await scrape(stack.gateway.url), worker: await scrape(url) };
  return initial;
}

/** Sends one case's request and checks what it moved; each case runs once, whichever test runs it first. */
async function run(k: Case): Promise<void> {
  await snapshotInitial();
  const labels = k.expect;
  const route = { route: labels.route, dialect: labels.dialect };
  const before = await scrape(stack.gateway.url);
  const sent = await send(k.req);
  // A client that left is recorded when the gateway notices; every other outcome before the response ends.
  const moved = async (): Promise<Samples | undefined> => {
    const s = await scrape(stack.gateway.url);
    return sumOf(s, REQUESTS, labels) > sumOf(before, REQUESTS, labels) ? s : undefined;
  };
  const after = await waitFor(moved, 3_000).catch(() => scrape(stack.gateway.url));
  ran.add(k.name);
  const delta = (s: Samples, name: string, l: Record<string, string>): number =>
    sumOf(s, name, l) - sumOf(before, name, l);
  expect(delta(after, REQUESTS, labels), "this outcome, once").toBe(1);
  expect(delta(after, REQUESTS, {}), "no other outcome").toBe(1);
  expect(delta(after, DURATION_COUNT, route), "one duration, under the endpoint").toBe(1);
  if (k.minSeconds !== undefined) {
    expect(delta(after, DURATION_SUM, route)).toBeGreaterThanOrEqual(k.minSeconds);
    expect(sent.seconds).toBeGreaterThanOrEqual(k.minSeconds);
  }
  if (k.header !== undefined) expect(sent.incident !== null, "x-portcullis-incident").toBe(k.header);
  for (const [name, l] of k.moves ?? []) expect(delta(after, name, l), name).toBeGreaterThanOrEqual(1);
}

interface Expositions {
  gateway: Samples;
  worker: Samples;
}

/** Which queried series no process exports, and which exist but did not move between `start` and `now`. */
function compare(queried: readonly string[], start: Expositions, now: Expositions) {
  const missing: string[] = [];
  const still: string[] = [];
  for (const name of queried) {
    const side = sampleNames(now.gateway).has(name)
      ? "gateway"
      : sampleNames(now.worker).has(name)
        ? "worker"
        : undefined;
    if (side === undefined) missing.push(name);
    else if (!(name in EXISTS_ONLY) && sumOf(now[side], name) === sumOf(start[side], name)) still.push(name);
  }
  return { missing, still };
}

describe("every outcome is recorded once, under its endpoint", () => {
  it.each(CASES.map((k) => [k.name, k] as const))("%s", async (_name, k) => {
    await run(k);
  });
});

describe("the dashboard and the alert rules query only series that exist and move", () => {
  const queries = [...dashboardQueries(), ...alertExpressions()];

  it("reads every query, and each names a portcullis_ series (Prometheus' own `up` aside)", () => {
    expect(dashboardQueries().length).toBeGreaterThan(20);
    expect(alertExpressions().length).toBeGreaterThan(10);
    for (const q of queries) if (!/^up\{/.test(q)) expect(seriesIn(q), q).not.toEqual([]);
  });

  it("every queried series exists in the gateway's or the worker's /metrics, and moved under the traffic", async () => {
    for (const k of CASES) if (!ran.has(k.name)) await run(k);
    const start = await snapshotInitial();
    const workerUrl = workerMetricsUrl() ?? "";
    const queried = [...new Set(queries.flatMap(seriesIn))];
    for (const name of Object.keys(EXISTS_ONLY))
      expect(queried, `stale EXISTS_ONLY entry ${name}`).toContain(name);
    // The worker files the incidents asynchronously: wait until its series have moved too.
    const workerMoved = async (): Promise<Samples | undefined> => {
      const s = await scrape(workerUrl);
      const mine = queried.filter((n) => sampleNames(s).has(n) && !(n in EXISTS_ONLY));
      return mine.every((n) => sumOf(s, n) !== sumOf(start.worker, n)) ? s : undefined;
    };
    const worker = await waitFor(workerMoved, 30_000, 250).catch(() => scrape(workerUrl));
    const found = compare(queried, start, { gateway: await scrape(stack.gateway.url), worker });
    expect(found.missing, "queried but exported by no process").toEqual([]);
    // The worker's series were read from the worker process, not found missing by accident.
    expect(sampleNames(worker)).toContain("portcullis_worker_jobs_total");
    expect(found.still, "queried but not moved by traffic that should move them").toEqual([]);
  }, 90_000);
});
