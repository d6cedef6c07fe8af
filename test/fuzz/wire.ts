/**
 * Both ends of one fuzz case on the wire: the client side sends a generated request to the gateway over a fresh
 * connection (raw bytes, duplicate headers, chunked bodies) and reads the whole response, noting whether it was
 * complete; the upstream side plays a generated reply to the gateway's upstream request, chosen by the request id
 * the case sent (the gateway forwards it as `x-request-id`), so cases can run concurrently.
 */
import { request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { ScriptedReply } from "../helpers/scripted-upstream.ts";
import type { FuzzRequest } from "./requests.ts";
import type { UpstreamPlan } from "./upstream-replies.ts";

/** What the client saw. */
export interface Observed {
  /** 0 when no response head arrived. */
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The whole response arrived (its declared length or its last chunk) and the connection did not fail first. */
  readonly complete: boolean;
  /** Why it is incomplete: a socket error, a reset, or `timeout` when nothing ended it in time. */
  readonly error?: string;
  readonly ms: number;
}

/** Most of a response the client keeps (the gateway's largest answers are far smaller). */
const KEEP_BYTES = 8 * 1024 * 1024;

/** Sends `r` to the gateway at `base` with request id `id`; never rejects. */
export function send(base: URL, r: FuzzRequest, id: string, timeoutMs: number): Promise<Observed> {
  const t0 = performance.now();
  const headers: Record<string, string | string[]> = { "x-request-id": id };
  for (const [k, v] of Object.entries(r.headers)) headers[k] = typeof v === "string" ? v : [...v];
  if (r.body !== undefined && !r.chunked) headers["content-length"] = String(r.body.length);
  return new Promise((resolve) => {
    let settled = false;
    let head: IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (complete: boolean, error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        status: head?.statusCode ?? 0,
        headers: head?.headers ?? {},
        body: Buffer.concat(chunks),
        complete,
        ...(error !== undefined ? { error } : {}),
        ms: Math.round(performance.now() - t0),
      });
    };
    const req = request(
      { host: base.hostname, port: base.port, method: r.method, path: r.path, headers, agent: false },
      (res) => {
        head = res;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size <= KEEP_BYTES) chunks.push(c);
        });
        res.on("end", () => done(res.complete, res.complete ? undefined : "response ended early"));
        res.on("error", (e) => done(false, `response: ${e.message}`));
        res.on("close", () =>
          done(res.complete, res.complete ? undefined : "connection closed mid-response"),
        );
      },
    );
    const timer = setTimeout(() => {
      done(false, "timeout");
      req.destroy();
    }, timeoutMs);
    // Writing the rest of a body the gateway already refused (413) can fail; the response is what counts.
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (!head) done(false, `request: ${e.code ?? e.message}`);
    });
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

/** What the upstream saw of one case. */
export interface UpstreamLedger {
  /** Requests the gateway sent for this case (at most one is right: the gateway never retries). */
  calls: number;
  method?: string;
  path?: string;
  body?: string;
  /** How the upstream connection fared: requests it served before this one, and how it ended. */
  connection?: string;
}

/** Upstream side of every case in flight, as the scripted upstream's `reply`. */
export interface UpstreamDispatch {
  readonly reply: ScriptedReply;
  /** Registers the plan for request id `id`; returns the ledger the reply fills in. */
  expect(id: string, plan: UpstreamPlan | undefined): UpstreamLedger;
  forget(id: string): void;
  /** Upstream requests no registered case claimed. */
  readonly orphans: number;
}

export function createUpstreamDispatch(): UpstreamDispatch {
  const cases = new Map<string, { plan: UpstreamPlan | undefined; ledger: UpstreamLedger }>();
  const served = new WeakMap<object, { count: number; lastEnd: number }>();
  let orphans = 0;
  const reply: ScriptedReply = (req, res, body) => {
    const id = req.headers["x-request-id"];
    const entry = typeof id === "string" ? cases.get(id) : undefined;
    if (!entry) {
      orphans++;
      res.writeHead(404).end();
      return;
    }
    const { ledger, plan } = entry;
    ledger.calls++;
    ledger.method = req.method ?? "";
    ledger.path = req.url ?? "";
    ledger.body = body;
    const socket = req.socket;
    const before = served.get(socket) ?? { count: 0, lastEnd: 0 };
    const t0 = Date.now();
    served.set(socket, { count: before.count + 1, lastEnd: before.lastEnd });
    ledger.connection =
      `${before.count} earlier requests` +
      (before.count === 0
        ? ""
        : before.lastEnd === 0
          ? " (the previous response not finished yet)"
          : ` (idle ${t0 - before.lastEnd} ms before this one)`) +
      `, ${socket.destroyed ? "destroyed" : "open"} at reply`;
    res.once("finish", () => served.set(socket, { count: before.count + 1, lastEnd: Date.now() }));
    res.once("close", () => {
      ledger.connection += `; response closed after ${Date.now() - t0} ms, ${res.writableFinished ? "finished" : "unfinished"}`;
    });
    if (plan) play(req, res, plan);
    else res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"unexpected"}}');
  };
  return {
    reply,
    expect(id, plan) {
      const ledger: UpstreamLedger = { calls: 0 };
      cases.set(id, { plan, ledger });
      return ledger;
    },
    forget: (id) => void cases.delete(id),
    get orphans() {
      return orphans;
    },
  };
}

/** How long after its last byte a reply that breaks off closes its connection. */
const RESET_DELAY_MS = 30;

/** A response left open is closed after this long at the latest (the gateway gives up far sooner). */
const SAFETY_CLOSE_MS = 20_000;

function holdOpen(res: ServerResponse): void {
  const t = setTimeout(() => res.destroy(), SAFETY_CLOSE_MS);
  res.once("close", () => clearTimeout(t));
}

/** Plays one reply: a reset, a hang, or a status, headers and a body written in pieces and ended, reset or left. */
export function play(req: IncomingMessage, res: ServerResponse, plan: UpstreamPlan): void {
  if (plan.kind === "reset") return void req.socket.destroy();
  if (plan.kind === "hang") return holdOpen(res);
  const headers: Record<string, string> = {};
  if (plan.contentType !== undefined) headers["content-type"] = plan.contentType;
  if (plan.retryAfter !== undefined) headers["retry-after"] = plan.retryAfter;
  if (plan.contentLength) headers["content-length"] = String(plan.chunks.reduce((n, c) => n + c.length, 0));
  res.writeHead(plan.status, headers);
  res.flushHeaders();
  /** Settles once the last piece written has reached the socket. */
  let flushed: Promise<void> | undefined;
  const write = (c: Buffer | string): void => {
    if (c.length === 0 || res.destroyed) return;
    flushed = new Promise((resolve) => res.write(c, () => resolve()));
  };
  const finish = (): void => {
    if (res.destroyed) return;
    if (plan.ending === "end") return void res.end();
    if (plan.ending === "stall") return holdOpen(res);
    // Broken off only once what was written has reached the socket: on a kept-alive connection the response may
    // wait behind the previous one, and a write's callback waits with it. A body with no bytes gets one newline.
    if (flushed === undefined) write("\n");
    void flushed?.then(() => setTimeout(() => res.destroy(), RESET_DELAY_MS));
  };
  if (plan.gapMs === 0) {
    for (const c of plan.chunks) write(c);
    return finish();
  }
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return;
    const c = plan.chunks[i++];
    if (c === undefined) return finish();
    write(c);
    setTimeout(next, plan.gapMs);
  };
  next();
}
