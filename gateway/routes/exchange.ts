/** The state of one proxied exchange, shared by the request handler and the forwarders. */
import type { Context } from "hono";
import type { IncidentEvent } from "../../contracts/incident.ts";
import type { DialectAdapter, ParsedRequest } from "../dialects/types.ts";
import type { AppEnv } from "../env.ts";
import type { IncidentContext } from "../incidents/build.ts";

/** Parsed, routed request plus what the forwarders need. */
export interface Exchange {
  readonly c: Context<AppEnv>;
  readonly dialect: DialectAdapter;
  readonly request: ParsedRequest;
  readonly rawBody: string;
  readonly upstreamName: string;
  readonly policyName: string;
  readonly incident: IncidentContext;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/** Publishes an incident without holding the response; the producer never rejects. */
export function publishIncident(c: Context<AppEnv>, event: IncidentEvent): void {
  c.var.deps.metrics.incidents.inc({ action: event.action });
  void c.var.deps.incidents.publish(event);
}
