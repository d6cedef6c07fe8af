/**
 * Upstream connections: one undici keep-alive pool per upstream, the gateway's own credential (the client's key is
 * never forwarded), an allow-list of forwarded headers (so hop-by-hop and client auth headers never pass), undici
 * failures mapped to gateway errors, and every body read within the upstream's limits (`limits.ts`).
 */
import type { Readable } from "node:stream";
import { Pool, errors as undiciErrors, type Dispatcher } from "undici";
import type { Config, Dialect, UpstreamConfig } from "../../config/schema.ts";
import { GatewayError } from "../errors.ts";
import {
  createBodyMeter,
  readBounded,
  type BodyLimits,
  type ResponseLimits,
  type UpstreamLimit,
} from "./limits.ts";

/** Client headers passed upstream; everything else (auth, cookies, hop-by-hop) stays at the gateway. */
const FORWARDED_HEADERS = ["anthropic-version", "anthropic-beta", "openai-beta"] as const;

export interface Upstream {
  readonly name: string;
  readonly dialect: Dialect;
  readonly config: UpstreamConfig;
  call(req: UpstreamRequest): Promise<UpstreamResponse>;
  /** The upstream's own model ids (`GET /v1/models`, first page); rejects on any failure. */
  listModels(signal: AbortSignal): Promise<string[]>;
  close(): Promise<void>;
  /**
   * Fails every request in flight at once with `reason` (a body being read errors, as if the upstream broke): the
   * drain deadline's way to end what is still open in the client's dialect instead of tearing connections.
   */
  destroy(reason: Error): Promise<void>;
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
  /** The limits its body is read under (the upstream's config). */
  readonly limits: ResponseLimits;
  /** The upstream's `Retry-After`, when it sent a well-formed one (delta-seconds or an HTTP date). */
  readonly retryAfter?: string;
}

/** A well-formed `Retry-After` value (delta-seconds, or an HTTP date), else undefined: never echo arbitrary text. */
export function validRetryAfter(v: string | string[] | undefined): string | undefined {
  const raw = (Array.isArray(v) ? v[0] : v)?.trim();
  if (raw === undefined || raw.length > 64) return undefined;
  if (/^\d{1,9}$/.test(raw)) return raw;
  return /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(raw) &&
    !Number.isNaN(Date.parse(raw))
    ? raw
    : undefined;
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
        const retryAfter = validRetryAfter(res.headers["retry-after"]);
        return {
          status: res.statusCode,
          contentType: (Array.isArray(ct) ? ct[0] : ct) ?? "",
          body: res.body,
          limits: config,
          ...(retryAfter !== undefined ? { retryAfter } : {}),
        };
      } catch (e: unknown) {
        return mapUpstreamFailure(name, e, req.signal);
      }
    },
    async listModels(signal) {
      const query = config.dialect === "anthropic" ? "?limit=1000" : "";
      const res = await pool.request({
        path: `${prefix}/v1/models${query}`,
        method: "GET",
        headers: fixed,
        signal,
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new Error(`upstream ${name} answered ${res.statusCode} to GET /v1/models`);
      }
      const read = await readBounded(res.body, config);
      if (!read.ok) throw new Error(`upstream ${name}: ${read.message}`);
      return modelIdsOf(JSON.parse(read.bytes.toString("utf8")));
    },
    close: () => pool.close(),
    destroy: (reason) => pool.destroy(reason),
  };
}

/** Ids of a model list in either dialect (`{data: [{id}]}`). */
function modelIdsOf(body: unknown): string[] {
  const data = typeof body === "object" && body !== null && "data" in body ? body.data : undefined;
  if (!Array.isArray(data)) throw new Error("model list without a data array");
  return data.flatMap((m: unknown) =>
    typeof m === "object" && m !== null && "id" in m && typeof m.id === "string" ? [m.id] : [],
  );
}

/** Creates every configured upstream. */
export function createUpstreams(
  config: Pick<Config, "upstreams">,
  env: NodeJS.ProcessEnv,
): Map<string, Upstream> {
  return new Map(Object.entries(config.upstreams).map(([name, c]) => [name, createUpstream(name, c, env)]));
}

/**
 * Reads a whole (non-stream) upstream body within the response's limits, as text. Past `maxResponseBytes` or
 * `maxResponseSeconds` it stops reading, aborts the upstream, tells `onLimit` and throws a 502 / 504; a failed read
 * is a gateway error too (a body timeout is a 504, the client leaving is `client_closed`).
 */
export async function readUpstreamBody(
  name: string,
  res: UpstreamResponse,
  o: { signal: AbortSignal; onLimit: (limit: UpstreamLimit) => void },
): Promise<string> {
  let read;
  try {
    read = await readBounded(res.body, res.limits);
  } catch (e: unknown) {
    return mapUpstreamFailure(name, e, o.signal);
  }
  if (read.ok) return read.bytes.toString("utf8");
  o.onLimit(read.limit);
  throw new GatewayError(
    read.limit === "duration" ? "upstream_timeout" : "upstream_bad_response",
    read.message,
  );
}

/** What `upstreamBodyStream` needs: how to stop the upstream, and whom to tell about its body. */
export interface BodyStreamOptions {
  abort(): void;
  onError(e: unknown): void;
  onFirstChunk?: () => void;
  /** Size and time caps on the body: past one the upstream is aborted, `onLimit` told and the stream ended. */
  limits?: BodyLimits;
  onLimit?: (limit: UpstreamLimit) => void;
  /** The tail that ends a cut-off stream for the client (the dialect's error end); nothing when absent. */
  errorEnd?: (message: string) => string;
}

/**
 * Adapts an upstream body to a web stream for the SSE pipeline. Read errors end the stream (the guard then reports
 * an incomplete stream in the client's dialect) instead of tearing down the client connection; cancelling the
 * stream (client gone, or a block) aborts the upstream request. A body over its limits is cut off: the upstream is
 * aborted and the stream ends with `errorEnd`, after a blank line that closes any event the cut left open; so does
 * a body whose read fails.
 */
export function upstreamBodyStream(body: Readable, opts: BodyStreamOptions): ReadableStream<Uint8Array> {
  let first = opts.onFirstChunk;
  let cut: string | undefined;
  const it: AsyncIterator<Uint8Array> = body[Symbol.asyncIterator]();
  const meter =
    opts.limits &&
    createBodyMeter(opts.limits, ({ limit, message }) => {
      cut = message;
      opts.onLimit?.(limit);
      opts.abort();
      body.destroy();
    });
  const close = (controller: ReadableStreamDefaultController<Uint8Array>): void => {
    meter?.stop();
    if (cut !== undefined && opts.errorEnd) controller.enqueue(Buffer.from(`\n\n${opts.errorEnd(cut)}`));
    controller.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const r = cut === undefined ? await it.next() : undefined;
          if (r === undefined || r.done === true || (meter && !meter.count(r.value.byteLength))) {
            close(controller);
            return;
          }
          if (first) {
            first();
            first = undefined;
          }
          controller.enqueue(r.value);
        } catch (e: unknown) {
          // A read cut short by a limit is reported by the limit, not as an upstream failure. A failed read (reset,
          // body timeout) is a broken stream too: a stream passed through unparsed ends with `errorEnd` as well.
          if (cut === undefined) {
            opts.onError(e);
            cut = "upstream stream ended before it was complete";
          }
          close(controller);
        }
      },
      cancel() {
        meter?.stop();
        opts.abort();
        body.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

const ERROR_BODY_BYTES = 65_536;

const PASS_THROUGH_STATUS = new Set([400, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504]);

/**
 * Turns an upstream error response into a gateway error. The upstream's own dialect body passes through when it is
 * one, with its `Retry-After` (a 429 without one gets the default); a rejected gateway credential (401/403) is the
 * gateway's fault, not the client's, so it becomes a 502.
 */
export async function upstreamStatusError(name: string, res: UpstreamResponse): Promise<GatewayError> {
  let parsed: unknown;
  try {
    // An error body is read only up to 64 KiB: a larger one is no error message and is not buffered.
    const read = await readBounded(res.body, {
      maxResponseBytes: Math.min(ERROR_BODY_BYTES, res.limits.maxResponseBytes),
      maxResponseSeconds: res.limits.maxResponseSeconds,
    });
    parsed = read.ok ? (JSON.parse(read.bytes.toString("utf8")) as unknown) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!PASS_THROUGH_STATUS.has(res.status)) {
    return new GatewayError("upstream_error", `upstream ${name} returned status ${res.status}`);
  }
  return new GatewayError("upstream_error", `upstream ${name} returned status ${res.status}`, {
    status: res.status,
    upstreamBody: parsed,
    retryAfter: res.retryAfter,
  });
}
