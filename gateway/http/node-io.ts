/**
 * Hot-path access to the Node request under @hono/node-server without materialising a full Web `Request`:
 * `c.req.text()` and `c.req.raw.signal` make the adapter build a `Request` with a stream body per request, which
 * profiles showed as a large share of the gateway's per-request CPU. Under `app.request()` (no Node bindings) the
 * Web request is used instead.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { GatewayError } from "../errors.ts";

interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

function bindings(c: Context<AppEnv>): NodeBindings {
  return c.env ?? {};
}

/** One request header (lower-case name), from Node's parsed headers when available. */
export function headerOf(c: Context<AppEnv>, name: string): string | undefined {
  const incoming = bindings(c).incoming;
  if (!incoming) return c.req.header(name);
  const v = incoming.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError("body_too_large", `request body exceeds ${limit} bytes`);
}

/** Reads the body as UTF-8 text, refusing (413) a declared or actual size over `limit` without buffering it all. */
export async function readBodyText(c: Context<AppEnv>, limit: number): Promise<string> {
  const declared = Number(headerOf(c, "content-length") ?? "NaN");
  if (declared > limit) throw tooLarge(limit);
  const incoming = bindings(c).incoming;
  if (!incoming) {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > limit) throw tooLarge(limit);
    return text;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1
    ? (chunks[0] as Buffer).toString("utf8")
    : Buffer.concat(chunks, size).toString("utf8");
}

/** The Node response under @hono/node-server (absent under `app.request()`), for hot paths that write to it. */
export function nodeResponse(c: Context<AppEnv>): ServerResponse | undefined {
  return bindings(c).outgoing;
}

/** A signal aborted when the client goes away before the response has been fully written. */
export function clientGoneSignal(c: Context<AppEnv>): AbortSignal {
  const outgoing = bindings(c).outgoing;
  if (!outgoing) return c.req.raw.signal;
  const ac = new AbortController();
  outgoing.once("close", () => {
    if (!outgoing.writableFinished) ac.abort();
  });
  return ac.signal;
}
