/** The state of one proxied exchange, shared by the request handler and the forwarders. */
import type { Context } from "hono";
import type { Action } from "../../contracts/incident.ts";
import type { DialectAdapter, ParsedRequest } from "../dialects/types.ts";
import type { AppEnv } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { headerOf } from "../http/node-io.ts";
import type { IncidentContext } from "../incidents/build.ts";
import { upstreamStatusError, type Upstream, type UpstreamResponse } from "../upstream/upstreams.ts";

/** Parsed, routed request plus what the forwarders need. */
export interface Exchange {
  readonly c: Context<AppEnv>;
  readonly dialect: DialectAdapter;
  readonly request: ParsedRequest;
  readonly rawBody: string;
  readonly upstreamName: string;
  readonly policyName: string;
  readonly incident: IncidentContext;
  /** The worse action of the stages screened before forwarding (the completion stage can only make it worse). */
  readonly screened: Action;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/**
 * Sends the exchange's raw body to its upstream (observing time to headers) and turns an error status into a
 * `GatewayError` in the client's dialect.
 */
export async function callUpstream(
  x: Exchange,
  signal: AbortSignal,
): Promise<{ upstream: Upstream; res: UpstreamResponse; t0: number }> {
  const { c } = x;
  const deps = c.var.deps;
  const upstream = deps.upstreams.get(x.upstreamName);
  if (!upstream) throw new GatewayError("internal", `upstream "${x.upstreamName}" is not configured`);
  const t0 = performance.now();
  const res = await upstream
    .call({
      path: c.req.path,
      body: x.rawBody,
      clientHeader: (name) => headerOf(c, name),
      requestId: c.var.requestId,
      signal,
    })
    .catch((e: unknown) => {
      // Timeouts and connection failures are upstream errors too (the alert on the error rate counts them); a
      // client that left is not.
      const kind =
        e instanceof GatewayError && e.code === "upstream_timeout"
          ? "timeout"
          : e instanceof GatewayError && e.code === "upstream_unreachable"
            ? "unreachable"
            : undefined;
      if (kind !== undefined) {
        deps.metrics.upstreamErrors.inc({ upstream: upstream.name, kind });
        deps.metrics.upstreamSeconds.observe({ upstream: upstream.name }, (performance.now() - t0) / 1000);
      }
      throw e;
    });
  deps.metrics.upstreamSeconds.observe({ upstream: upstream.name }, (performance.now() - t0) / 1000);
  if (res.status >= 400) {
    deps.metrics.upstreamErrors.inc({ upstream: upstream.name, kind: "status" });
    throw await upstreamStatusError(upstream.name, res);
  }
  return { upstream, res, t0 };
}
