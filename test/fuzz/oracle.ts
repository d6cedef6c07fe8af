/**
 * The properties every fuzz case must satisfy, as a function from what was sent, what the upstream was told to
 * do and what came back to a list of violations (empty = the case passed):
 *
 * - the response is complete: no torn connection, no hang;
 * - the status is exactly what the upstream's behaviour allows: without an upstream call only the gateway's own
 *   refusals (200 refusal, 400, 401, 403, 404, 413, 429 - never a 5xx); with one, the upstream's own 4xx/5xx where
 *   the gateway passes it through, 502 for an unreachable upstream, an unusable answer (not JSON, not an event
 *   stream for a stream request, over `maxResponseBytes`, cut off mid-body) or a rejected gateway credential, 504
 *   for no headers in time or a stalled body, and 200 otherwise;
 * - every error body is JSON in the dialect's error shape, and every 429 has `Retry-After`;
 * - every 200 JSON body parses and is labelled `application/json`: the upstream's own answer unchanged (count_tokens
 *   included: a body that is not JSON is a 502 there too) or an ordinary refusal of the dialect;
 * - every 200 stream is an event stream of JSON events that ends with the dialect's terminal event or its error
 *   event - and with the terminal event when the upstream's own stream was well formed; a stream the gateway
 *   passes through unparsed (a policy without a completion stage) is the upstream's bytes, plus the dialect's
 *   error event when the upstream broke off.
 */
import { createSseDecoder } from "../../gateway/sse/decoder.ts";
import type { SseEvent } from "../../gateway/sse/event.ts";
import { presentedKey } from "./headers.ts";
import type { FuzzRequest, RouteKind } from "./requests.ts";
import { KEYS, LIMITS } from "./setup.ts";
import type { UpstreamPlan } from "./upstream-replies.ts";
import type { Observed, UpstreamLedger } from "./wire.ts";

export interface CaseOutcome {
  readonly req: FuzzRequest;
  readonly plan: UpstreamPlan | undefined;
  readonly observed: Observed;
  readonly upstream: UpstreamLedger;
}

type ErrorDialect = "openai" | "anthropic";

/** Upstream statuses the gateway passes through (`PASS_THROUGH_STATUS` in `gateway/upstream/upstreams.ts`). */
const PASS_THROUGH = new Set([400, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504]);
/** The gateway's own refusals, before anything reaches the upstream. */
const OWN_REFUSALS = new Set([200, 400, 401, 403, 404, 413, 429]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const header = (req: FuzzRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === "string" ? v : v?.[0];
};

const pathname = (path: string): string => path.split("?")[0] ?? path;

/** The dialect a client of this request reads errors in. */
function errorDialect(req: FuzzRequest): ErrorDialect {
  const p = pathname(req.path);
  switch (req.route) {
    case "chat":
    case "responses":
    case "classify":
      return "openai";
    case "messages":
    case "count_tokens":
      return "anthropic";
    case "models":
    case "stray":
      // As `requestDialect` in gateway/app.ts: the path's dialect where it has one, else the client's header.
      if (p === "/v1/messages" || p.startsWith("/v1/messages/")) return "anthropic";
      if (p === "/v1/chat/completions" || p === "/v1/responses" || p === "/v1/classify") return "openai";
      return header(req, "anthropic-version") !== undefined ? "anthropic" : "openai";
  }
}

/** Whether the body asks for a stream, read as the gateway reads it (UTF-8, last duplicate key wins). */
export function wantsStream(body: Buffer | undefined): boolean {
  const p = body === undefined ? { ok: false as const } : parse(body.toString("utf8"));
  return p.ok && isObj(p.value) && p.value.stream === true;
}

function bodyBytes(plan: Extract<UpstreamPlan, { kind: "reply" }>): Buffer {
  return Buffer.concat(plan.chunks);
}

/** The one status the gateway may answer once it called the upstream, given what the upstream did. */
function expectedStatus(route: RouteKind, plan: UpstreamPlan, stream: boolean): number {
  if (plan.kind === "reset") return 502;
  if (plan.kind === "hang") return 504;
  if (plan.status >= 400) return PASS_THROUGH.has(plan.status) ? plan.status : 502;
  const guardedStream = stream && route !== "count_tokens";
  if (guardedStream) return plan.contentType?.includes("text/event-stream") ? 200 : 502;
  const size = bodyBytes(plan).length;
  if (size > LIMITS.maxResponseBytes || plan.ending === "reset") return 502;
  if (plan.ending === "stall") return 504;
  return parse(bodyBytes(plan).toString("utf8")).ok ? 200 : 502;
}

function errorShapeProblem(dialect: ErrorDialect, value: unknown): string | undefined {
  if (!isObj(value)) return "error body is not a JSON object";
  const e = value.error;
  if (!isObj(e)) return "error body has no error object";
  if (typeof e.message !== "string" || typeof e.type !== "string")
    return "error.message / error.type not strings";
  if (dialect === "anthropic" && value.type !== "error") return 'anthropic error body without type "error"';
  return undefined;
}

type StreamDialect = "chat" | "messages" | "responses";

function typeOf(e: SseEvent): string | undefined {
  const p = parse(e.data);
  return p.ok && isObj(p.value) && typeof p.value.type === "string" ? p.value.type : undefined;
}

/** `normal`: the stream's own end (a refusal included); `error`: the dialect's error end; undefined: neither. */
function endOf(d: StreamDialect, last: SseEvent): "normal" | "error" | undefined {
  switch (d) {
    case "chat": {
      if (last.data === "[DONE]") return "normal";
      const p = parse(last.data);
      return p.ok && isObj(p.value) && isObj(p.value.error) ? "error" : undefined;
    }
    case "messages":
      if (last.event === "message_stop") return "normal";
      return last.event === "error" &&
        errorShapeProblem("anthropic", parse(last.data).ok ? JSON.parse(last.data) : null) === undefined
        ? "error"
        : undefined;
    case "responses": {
      const t = typeOf(last);
      if (last.data === "[DONE]" || t === "response.completed" || t === "response.incomplete")
        return "normal";
      return t === "error" || t === "response.failed" ? "error" : undefined;
    }
  }
}

function events(body: Buffer): SseEvent[] {
  const d = createSseDecoder();
  return [...d.push(body), ...d.end()];
}

function streamProblems(o: CaseOutcome, d: StreamDialect): string[] {
  const out: string[] = [];
  const evs = events(o.observed.body);
  const last = evs.at(-1);
  if (!last) return ["200 event stream without a single event"];
  const bad = evs.find((e) => e.data !== "[DONE]" && !parse(e.data).ok);
  if (bad) out.push(`stream event is not JSON: ${JSON.stringify(bad.data.slice(0, 80))}`);
  const end = endOf(d, last);
  if (!end)
    out.push(`stream ends without the terminal or error event: last ${JSON.stringify(last).slice(0, 160)}`);
  const p = o.plan;
  const cleanUpstream = p?.kind === "reply" && p.clean && p.sse && p.ending === "end" && p.status < 400;
  if (cleanUpstream && bodyBytes(p).length <= LIMITS.maxResponseBytes && end === "error")
    out.push("a well-formed upstream stream ended with an error event");
  return out;
}

/** A stream passed through unparsed: the upstream's bytes, then an error event when the upstream broke off. */
function passThroughProblems(o: CaseOutcome, d: StreamDialect): string[] {
  const p = o.plan;
  if (p?.kind !== "reply") return [];
  const sent = bodyBytes(p);
  const got = o.observed.body;
  const intact = p.ending === "end" && sent.length <= LIMITS.maxResponseBytes;
  if (intact) return got.equals(sent) ? [] : ["a passed-through stream differs from the upstream's bytes"];
  const last = events(got).at(-1);
  return last && endOf(d, last) === "error"
    ? []
    : [
        `a passed-through stream the upstream broke off (${p.ending}, ${sent.length} bytes) ends without an error event`,
      ];
}

function refusalProblem(route: RouteKind, v: unknown): string | undefined {
  if (!isObj(v)) return "200 body is not a JSON object";
  const ok =
    route === "chat"
      ? Array.isArray(v.choices) && isObj(v.choices[0]) && v.choices[0].finish_reason === "content_filter"
      : route === "messages"
        ? v.type === "message" && v.stop_reason === "refusal"
        : v.object === "response" && v.status === "incomplete";
  return ok ? undefined : "200 body is neither the upstream's answer nor a refusal";
}

function jsonProblems(o: CaseOutcome): string[] {
  const { req, observed, plan, upstream } = o;
  const text = observed.body.toString("utf8");
  if (req.route === "count_tokens") {
    const sent = plan?.kind === "reply" ? bodyBytes(plan).toString("utf8") : undefined;
    return text === sent ? [] : ["count_tokens 200 body differs from the upstream's"];
  }
  const p = parse(text);
  if (!p.ok) return ["200 body is not JSON"];
  if (req.route === "models")
    return isObj(p.value) && (Array.isArray(p.value.data) || typeof p.value.id === "string")
      ? []
      : ["models 200 body without data / id"];
  if (req.route === "classify" || req.route === "stray")
    return isObj(p.value) ? [] : ["200 body is not an object"];
  // Passed through: the upstream's text as the gateway decoded it (UTF-8, invalid bytes replaced).
  if (upstream.calls > 0 && plan?.kind === "reply" && bodyBytes(plan).toString("utf8") === text) return [];
  const r = refusalProblem(req.route, p.value);
  return r ? [r] : [];
}

/** Every property a case breaks; empty when it passed. */
export function violations(o: CaseOutcome): string[] {
  const { req, observed: res, plan, upstream } = o;
  if (!res.complete)
    return [`no complete response (${res.error ?? "?"}; status ${res.status}, ${res.body.length} bytes)`];
  const out: string[] = [];
  const stream = wantsStream(req.body);
  if (upstream.calls > 1) out.push(`the upstream was called ${upstream.calls} times`);
  if (upstream.calls > 0 && !plan) out.push("a request the gateway cannot forward reached the upstream");
  const allowed =
    upstream.calls > 0 && plan
      ? new Set([expectedStatus(req.route, plan, stream)])
      : req.route === "count_tokens"
        ? new Set([...OWN_REFUSALS].filter((s) => s !== 200))
        : OWN_REFUSALS;
  if (!allowed.has(res.status)) out.push(`status ${res.status}, expected ${[...allowed].join(" | ")}`);
  const ct = res.headers["content-type"] ?? "";
  if (res.status !== 200) {
    if (res.status === 429 && !/^\d+$|GMT$/.test(String(res.headers["retry-after"] ?? "")))
      out.push("429 without a valid Retry-After");
    const p = parse(res.body.toString("utf8"));
    const problem = p.ok ? errorShapeProblem(errorDialect(req), p.value) : "error body is not JSON";
    if (problem) out.push(`${problem}: ${res.body.toString("utf8").slice(0, 160)}`);
    if (!ct.includes("application/json")) out.push(`error with content-type ${ct}`);
    return out;
  }
  const d: StreamDialect | undefined =
    req.route === "chat" || req.route === "messages" || req.route === "responses" ? req.route : undefined;
  if (d && stream && !ct.includes("text/event-stream")) out.push(`stream request answered with ${ct}`);
  if ((d && !stream) || req.route === "count_tokens") {
    if (!ct.includes("application/json")) out.push(`JSON answer with content-type ${ct}`);
  }
  if (d && stream) {
    const passThrough = presentedKey(req.headers) === KEYS.lite && upstream.calls > 0;
    out.push(...(passThrough ? passThroughProblems(o, d) : streamProblems(o, d)));
  } else out.push(...jsonProblems(o));
  return out;
}
