/**
 * Upstream connections: one undici keep-alive pool per upstream, the gateway's own credential (the client's key is
 * never forwarded), an allow-list of forwarded headers (so hop-by-hop and client auth headers never pass), and
 * undici failures mapped to gateway errors.
 */
import type { Readable } from "node:stream";
import { Pool, errors as undiciErrors, type Dispatcher } from "undici";
import type { Config, Dialect, UpstreamConfig } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";

/** Client headers passed upstream; everything else (auth, cookies, hop-by-hop) stays at the gateway. */
const FORWARDED_HEADERS = ["anthropic-version", "anthropic-beta", "openai-beta"] as const;

export interface Upstream {
  readonly name: string;
  readonly dialect: Dialect;
  readonly config: UpstreamConfig;
  call(req: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export interface UpstreamRequest {
  /** Path after the base URL, e.g. `/v1/chat/completions`. */
  readonly path: string;
  readonly body: string;
  /** Reads a client request header (lower-case name). */
  readonly clientHeader: (name: string) => string | undefined;
  readonly requestId: string;
  readonly signal: AbortSignal;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: Dispatcher.ResponseData["body"];
}

function credentialHeaders(dialect: Dialect, key: string | undefined): Record<string, string> {
  if (!key) return {};
  return dialect === "anthropic" ? { "x-api-key": key } : { authorization: `Bearer ${key}` };
}

/** Maps a network failure to a gateway error (an abort means the client left or a block ended the stream). */
export function mapUpstreamFailure(name: string, e: unknown, signal: AbortSignal): never {
  if (signal.aborted) throw new GatewayError("client_closed", "the client closed the request", { cause: e });
  if (
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError ||
    e instanceof undiciErrors.ConnectTimeoutError
  ) {
    throw new GatewayError("upstream_timeout", `upstream ${name} timed out`, { cause: e });
  }
  throw new GatewayError("upstream_unreachable", `upstream ${name} is unreachable`, { cause: e });
}

function createUpstream(name: string, config: UpstreamConfig, env: NodeJS.ProcessEnv): Upstream {
  const url = new URL(config.baseUrl);
  const prefix = url.pathname.replace(/\/+$/, "");
  const pool = new Pool(url.origin, {
    connections: config.connections,
    connectTimeout: config.connectTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    keepAliveTimeout: 30_000,
  });
  const fixed = {
    "content-type": "application/json",
    ...config.headers,
    ...credentialHeaders(config.dialect, config.apiKeyEnv ? env[config.apiKeyEnv] : undefined),
  };
  return {
    name,
    dialect: config.dialect,
    config,
    async call(req) {
      const headers: Record<string, string> = { ...fixed, "x-request-id": req.requestId };
      for (const h of FORWARDED_HEADERS) {
        const v = req.clientHeader(h);
        if (v !== undefined && headers[h] === undefined) headers[h] = v;
      }
      if (config.dialect === "anthropic" && headers["anthropic-version"] === undefined) {
        headers["anthropic-version"] = "2023-06-01";
      }
      try {
        const res = await pool.request({
          path: prefix + req.path,
          method: "POST",
          headers,
          body: req.body,
          signal: req.signal,
        });
        const ct = res.headers["content-type"];
        return {
          status: res.statusCode,
          contentType: (Array.isArray(ct) ? ct[0] : ct) ?? "",
          body: res.body,
        };
      } catch (e: unknown) {
        return mapUpstreamFailure(name, e, req.signal);
      }
    },
    close: () => pool.close(),
  };
}

/** Creates every configured upstream. */
export function createUpstreams(
  config: Pick<Config, "upstreams">,
  env: NodeJS.ProcessEnv,
): Map<string, Upstream> {
  return new Map(Object.entries(config.upstreams).map(([name, c]) => [name, createUpstream(name, c, env)]));
}

/**
 * Adapts an upstream body to a web stream for the SSE pipeline. Read errors end the stream (the guard then reports
 * an incomplete stream in the client's dialect) instead of tearing down the client connection; cancelling the
 * stream (client gone, or a block) aborts the upstream request.
 */
export function upstreamBodyStream(
  body: Readable,
  opts: { abort: () => void; onError: (e: unknown) => void; onFirstChunk?: () => void },
): ReadableStream<Uint8Array> {
  let first = opts.onFirstChunk;
  const it: AsyncIterator<Uint8Array> = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const r = await it.next();
          if (r.done === true) controller.close();
          else {
            if (first) {
              first();
              first = undefined;
            }
            controller.enqueue(r.value);
          }
        } catch (e: unknown) {
          opts.onError(e);
          controller.close();
        }
      },
      cancel() {
        opts.abort();
        body.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

const PASS_THROUGH_STATUS = new Set([400, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504]);

/**
 * Turns an upstream error response into a gateway error. The upstream's own dialect body passes through when it is
 * one; a rejected gateway credential (401/403) is the gateway's fault, not the client's, so it becomes a 502.
 */
export async function upstreamStatusError(name: string, res: UpstreamResponse): Promise<GatewayError> {
  let parsed: unknown;
  try {
    const text = await res.body.text();
    parsed = JSON.parse(text.slice(0, 65_536)) as unknown;
  } catch {
    parsed = undefined;
  }
  if (!PASS_THROUGH_STATUS.has(res.status)) {
    return new GatewayError("upstream_error", `upstream ${name} returned status ${res.status}`);
  }
  return new GatewayError("upstream_error", `upstream ${name} returned status ${res.status}`, {
    status: res.status,
    upstreamBody: parsed,
  });
}
