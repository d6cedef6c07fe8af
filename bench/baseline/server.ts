/**
 * The bare pass-through baseline: a minimal Hono + undici proxy with no auth, no parsing and no screening, so the
 * benchmark can show what screening itself costs. It forwards the chat routes to one upstream over a keep-alive
 * pool: JSON bodies are read and passed on as text, event streams are piped through unchanged.
 */
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { Pool } from "undici";

/** Options of {@link startBaselineProxy}. */
export interface BaselineProxyOptions {
  /** Upstream base URL, e.g. `http://127.0.0.1:4000`. */
  upstreamUrl: string;
  /** @defaultValue 0 (a free port) */
  port?: number;
  /** @defaultValue "127.0.0.1" */
  host?: string;
  /** Keep-alive connections to the upstream (the gateway's default). @defaultValue 128 */
  connections?: number;
}

/** A running baseline proxy. */
export interface BaselineProxy {
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the proxy app over an undici pool. */
export function createBaselineApp(pool: Pool): Hono {
  const app = new Hono();
  const forward = async (path: string, body: string, signal: AbortSignal): Promise<Response> => {
    const res = await pool.request({
      path,
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal,
    });
    const ct = res.headers["content-type"];
    const contentType = (Array.isArray(ct) ? ct[0] : ct) ?? "application/json";
    if (contentType.includes("text/event-stream")) {
      const stream = Readable.toWeb(res.body) as ReadableStream<Uint8Array>;
      return new Response(stream, { status: res.statusCode, headers: { "content-type": contentType } });
    }
    return new Response(await res.body.text(), {
      status: res.statusCode,
      headers: { "content-type": contentType },
    });
  };
  for (const path of ["/v1/chat/completions", "/v1/messages"]) {
    app.post(path, async (c) => forward(path, await c.req.text(), c.req.raw.signal));
  }
  app.get("/livez", (c) => c.json({ status: "ok" }));
  return app;
}

/** Starts the proxy and resolves once it listens. */
export async function startBaselineProxy(opts: BaselineProxyOptions): Promise<BaselineProxy> {
  const pool = new Pool(new URL(opts.upstreamUrl).origin, {
    connections: opts.connections ?? 128,
    keepAliveTimeout: 30_000,
  });
  const host = opts.host ?? "127.0.0.1";
  const app = createBaselineApp(pool);
  const server = await new Promise<ServerType>((res) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: opts.port ?? 0 }, () => res(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      await new Promise<void>((res) => server.close(() => res()));
      await pool.close();
    },
  };
}
