/**
 * Hot-path access to the Node request under @hono/node-server without materialising a full Web `Request`:
 * `c.req.text()` and `c.req.raw.signal` make the adapter build a `Request` with a stream body per request, which
 * profiles showed as a large share of the gateway's per-request CPU. Under `app.request()` (no Node bindings) the
 * Web request is used instead.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "hono";
import { GatewayError } from "../errors.ts";

interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

function bindings(c: Context): NodeBindings {
  return (c.env as NodeBindings | undefined) ?? {};
}

/** One request header (lower-case name), from Node's parsed headers when available. */
export function headerOf(c: Context, name: string): string | undefined {
  const incoming = bindings(c).incoming;
  if (!incoming) return c.req.header(name);
  const v = incoming.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The error every body reader throws past the limit (413 in the client's dialect). */
export function bodyTooLarge(limit: number): GatewayError {
  return new GatewayError("body_too_large", `request body exceeds ${limit} bytes`);
}

function join(chunks: readonly Uint8Array[], size: number): Buffer {
  const first = chunks[0];
  if (chunks.length === 1 && first) return Buffer.from(first.buffer, first.byteOffset, first.byteLength);
  return Buffer.concat(chunks, size);
}

/**
 * Reads a Node request body, keeping at most `limit` bytes. Past the limit it stops reading (pauses, without
 * destroying the socket, so the 413 still reaches the client; @hono/node-server then drains a bounded amount and
 * closes the connection).
 */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  if (incoming.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        settle();
        incoming.pause();
        chunks.length = 0;
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      settle();
      resolve(join(chunks, size));
    };
    const onError = (e: unknown): void => {
      settle();
      // An error on the request while its body arrives is the client's connection failing ("aborted",
      // ECONNRESET): the client has gone, which is no gateway error.
      reject(new GatewayError("client_closed", "the client closed the request", { cause: e }));
    };
    const onClose = (): void => {
      settle();
      reject(new DOMException("the client closed the request", "AbortError"));
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}

/** Reads a Web request body (under `app.request()`), cancelling it as soon as it passes `limit`. */
async function readWebBody(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return join(chunks, size);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw bodyTooLarge(limit);
    }
    chunks.push(value);
  }
}

/**
 * The one way the gateway reads a request body (every route, including the review and admin apps): refuses (413)
 * a declared `content-length` over `limit` before reading, and an actual size over it while reading - it never
 * holds more than `limit` bytes.
 */
export async function readBodyBytes(c: Context, limit: number): Promise<Buffer> {
  const declared = Number(headerOf(c, "content-length") ?? "NaN");
  if (declared > limit) throw bodyTooLarge(limit);
  const incoming = bindings(c).incoming;
  return incoming ? readIncoming(incoming, limit) : readWebBody(c.req.raw.body, limit);
}

/** `readBodyBytes` decoded as UTF-8. */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  return (await readBodyBytes(c, limit)).toString("utf8");
}

/** The Node response under @hono/node-server (absent under `app.request()`), for hot paths that write to it. */
export function nodeResponse(c: Context): ServerResponse | undefined {
  return bindings(c).outgoing;
}

/** A signal aborted when the client goes away before the response has been fully written. */
export function clientGoneSignal(c: Context): AbortSignal {
  const outgoing = bindings(c).outgoing;
  if (!outgoing) return c.req.raw.signal;
  const ac = new AbortController();
  outgoing.once("close", () => {
    if (!outgoing.writableFinished) ac.abort();
  });
  return ac.signal;
}
