/**
 * A request's bookkeeping in one place (CONVENTIONS 12): whatever the path (JSON, SSE, refusal, error, a client that
 * left), `recordOutcome` counts the request and observes its duration, hands its incidents off and decides the
 * `x-portcullis-incident` header. Stage-level figures (stage and classifier latency, decisions by category, fail
 * modes, stream screening) are counted where the stage runs.
 */
import type { Context } from "hono";
import type { Action, IncidentEvent } from "../../contracts/incident.ts";
import type { Dialect } from "../../config/schema.ts";
import type { AppEnv } from "../env.ts";

/** What a request came to: its screening action, or how it failed. */
export type Decision = Action | "error" | "client_closed";

/** The `route` label: the endpoint, from a fixed set (never the raw path). */
export type RouteLabel =
  "chat_completions" | "responses" | "messages" | "count_tokens" | "models" | "classify" | "other";

/** The end of a request: counted once, with the incident this last step produced, if any. */
export interface Ending {
  readonly decision: Decision;
  /** The HTTP status sent (a stream that ended badly still sent 200). */
  readonly status: number;
  readonly incident?: IncidentEvent | undefined;
  /** The response head is already out (a stream's end): the incident header can no longer be set. */
  readonly headSent?: boolean;
  /** The dialect label for a request no route claimed. @defaultValue the route's dialect */
  readonly dialect?: Dialect;
}

/** An incident raised before the request's end (a flag before forwarding, a block after the client left). */
export interface Raised {
  readonly decision?: undefined;
  readonly incident: IncidentEvent;
  readonly headSent?: boolean;
}

/** See `recordOutcome`. */
export type Outcome = Ending | Raised;

/** The endpoint a path belongs to. */
export function routeOf(path: string): RouteLabel {
  switch (path) {
    case "/v1/chat/completions":
      return "chat_completions";
    case "/v1/responses":
      return "responses";
    case "/v1/messages":
      return "messages";
    case "/v1/messages/count_tokens":
      return "count_tokens";
    case "/v1/classify":
      return "classify";
    case "/v1/models":
      return "models";
    default:
      return path.startsWith("/v1/models/") ? "models" : "other";
  }
}

function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/**
 * Hands the incident off (counted by action; the producer never rejects, so the response is not held) and, while
 * the head is not out, sets `x-portcullis-incident` as `server.incidentHeader` allows: refusals only by default,
 * flagged but allowed responses too with "all".
 */
function handOff(c: Context<AppEnv>, event: IncidentEvent, refused: boolean, headSent: boolean): void {
  const deps = c.var.deps;
  deps.metrics.incidents.inc({ action: event.action });
  void deps.incidents.publish(event);
  const mode = deps.config.server.incidentHeader;
  if (!headSent && (mode === "all" || (mode === "refusals" && refused))) {
    c.header("x-portcullis-incident", event.id);
  }
}

/**
 * Records what a request came to. With a `decision` it is the request's end, called exactly once per request:
 * `portcullis_requests_total{route,dialect,decision,status}` and `portcullis_request_duration_seconds{route,dialect}`
 * (from the first middleware to now: a stream's end for streams), and the request leaves
 * `portcullis_requests_in_flight` at the same moment. Without one it only hands off an incident raised on the way.
 * Either way the incident is published and, before the head is out, named in the header.
 *
 * @example recordOutcome(c, { decision: "block", status: 200, incident }) // a refusal
 * @example recordOutcome(c, { incident: flagged }) // flagged before forwarding; the exchange goes on
 */
export function recordOutcome(c: Context<AppEnv>, o: Outcome): void {
  if (o.incident) handOff(c, o.incident, o.decision === "block", o.headSent === true);
  if (o.decision === undefined) return;
  const metrics = c.var.deps.metrics;
  const labels = { route: routeOf(c.req.path), dialect: o.dialect ?? c.var.dialect.name };
  metrics.requests.inc({ ...labels, decision: o.decision, status: statusClass(o.status) });
  metrics.requestSeconds.observe(labels, (performance.now() - c.var.startedAt) / 1000);
  c.var.endInFlight?.();
}
