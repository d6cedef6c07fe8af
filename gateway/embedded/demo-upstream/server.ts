/**
 * The demo LLM upstream: a plain `node:http` server speaking the OpenAI Chat Completions, OpenAI Responses and
 * Anthropic Messages dialects, with scenarios for tests, demos and benchmarks (see `scenarios.ts`). It lives under
 * the gateway's embedded default because `gateway/main.ts` starts it when no config file is given (so the image
 * ships it); tests and `bench/` import it from here, and it imports nothing outside this folder.
 *
 * Control endpoints on the same server (not counted, not recorded): `GET /__mock/stats`,
 * `GET /__mock/requests`, `POST /__mock/reset`.
 *
 * @example
 * const upstream = await startDemoUpstream({ port: 0 });
 * const openai = new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: "x" });
 * await upstream.close();
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Dialect } from "./chat-handler.ts";
import { createChatResponder, sendDialectError } from "./chat-handler.ts";
import { renderAnthropicModels } from "./anthropic-dialect.ts";
import { DEMO_MODEL_IDS, renderOpenAIModels } from "./openai-dialect.ts";
import { createRecorder } from "./recorder.ts";
import type { DemoUpstreamStats, RecordedRequest } from "./recorder.ts";

export type { DemoUpstreamStats, RecordedRequest } from "./recorder.ts";

/** Options of {@link startDemoUpstream}. */
export interface DemoUpstreamOptions {
  /** Port to listen on; 0 picks a free port. @defaultValue 0 */
  port?: number;
  /** Host to bind. @defaultValue "127.0.0.1" */
  host?: string;
  /** Delay before each streamed token (header `x-mock-token-delay-ms` overrides it per request). @defaultValue 0 */
  tokenDelayMs?: number;
  /** Record requests (the last 200) for `requests` and `GET /__mock/requests`. @defaultValue true */
  record?: boolean;
}

/** A running demo upstream. */
export interface DemoUpstream {
  /** Base URL, e.g. `http://127.0.0.1:PORT` (OpenAI clients use `${url}/v1`). */
  url: string;
  port: number;
  /** Live counters (the same object is updated in place). */
  stats: DemoUpstreamStats;
  /** The last 200 recorded requests, oldest first (the same array is updated in place). */
  requests: RecordedRequest[];
  /** Zeroes the stats and forgets the recorded requests. */
  reset(): void;
  /** Stops listening and destroys open connections (hanging requests included). */
  close(): Promise<void>;
}

const CHAT_ROUTES: Readonly<Record<string, Dialect>> = {
  "POST /v1/chat/completions": "openai",
  "POST /v1/responses": "responses",
  "POST /v1/messages": "anthropic",
};

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage, onBody: (raw: string) => void): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const first = chunks[0];
    onBody(
      chunks.length === 1 && first !== undefined ? first.toString("utf8") : Buffer.concat(chunks).toString(),
    );
  });
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Starts a demo upstream and resolves once it listens. */
export async function startDemoUpstream(opts: DemoUpstreamOptions = {}): Promise<DemoUpstream> {
  const host = opts.host ?? "127.0.0.1";
  const defaultDelayMs = opts.tokenDelayMs ?? 0;
  const recorder = createRecorder({ enabled: opts.record ?? true });
  const respondChat = createChatResponder();
  const modelsBody = renderOpenAIModels();
  const anthropicModelsBody = renderAnthropicModels(DEMO_MODEL_IDS);
  let closing = false;

  const control = (req: IncomingMessage, res: ServerResponse, route: string): void => {
    req.resume();
    if (route === "GET /__mock/stats") return sendJson(res, 200, JSON.stringify(recorder.stats));
    if (route === "GET /__mock/requests") return sendJson(res, 200, JSON.stringify(recorder.requests));
    if (route === "POST /__mock/reset") {
      recorder.reset();
      return sendJson(res, 200, '{"ok":true}');
    }
    sendJson(
      res,
      404,
      JSON.stringify({ error: { message: `Unknown control route ${route}`, type: "not_found" } }),
    );
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const route = `${req.method ?? "GET"} ${query === -1 ? url : url.slice(0, query)}`;
    if (route.includes(" /__mock/")) return control(req, res, route);
    const tracked = recorder.track(res, () => closing);
    readBody(req, (raw) => {
      const parsed = raw.length === 0 ? { ok: true as const, value: null } : parseJson(raw);
      const body = parsed.ok ? parsed.value : raw;
      tracked.record(req, url, body);
      const dialect = CHAT_ROUTES[route];
      if (dialect !== undefined) {
        if (!parsed.ok || body === null)
          return sendDialectError(res, dialect, 400, "Request body is not valid JSON");
        return respondChat(res, {
          dialect,
          body,
          rawLength: raw.length,
          headers: req.headers,
          defaultDelayMs,
          onServerDrop: tracked.markServerDrop,
        });
      }
      if (route === "GET /v1/models") {
        const anthropic = req.headers["anthropic-version"] !== undefined;
        return sendJson(res, 200, anthropic ? anthropicModelsBody : modelsBody);
      }
      // A rough count (4 characters per token) is enough for a demo upstream.
      if (route === "POST /v1/messages/count_tokens" && parsed.ok && body !== null)
        return sendJson(res, 200, JSON.stringify({ input_tokens: Math.ceil(raw.length / 4) }));
      sendDialectError(
        res,
        url.startsWith("/v1/messages") ? "anthropic" : "openai",
        404,
        `Unknown route ${route}`,
      );
    });
  };

  const server = createServer({ keepAlive: true, noDelay: true }, handle);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    stats: recorder.stats,
    requests: recorder.requests,
    reset: recorder.reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
