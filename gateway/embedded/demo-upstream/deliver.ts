/**
 * Writes rendered bodies to the response: per-token delays (timers, never busy waits), awkward chunking,
 * and the failure modes (hang, stall, drop, malformed). Pending timers are cleared when the client leaves.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Delivery } from "./scenarios.ts";
import type { StreamPlan } from "./wire.ts";

/** How many token events a stalling, dropping or malformed stream sends before it misbehaves. */
export const TOKENS_BEFORE_FAILURE = 2;

/** Options shared by {@link deliverJson} and {@link deliverStream}. */
export interface DeliverOptions {
  delivery: Delivery;
  /** Delay before each token event (streams) or `tokens * delayMs` before the body (JSON); 0 = no delay. */
  delayMs: number;
  /** Called just before the demo upstream itself destroys the connection (`drop`), so it is not counted as an abort. */
  onServerDrop: () => void;
}

/** Options of {@link deliverStream}. */
export interface DeliverStreamOptions extends DeliverOptions {
  /** Write the body in small irregular byte pieces, with CRLF line endings and `: keep-alive` comments. */
  awkward: boolean;
  /** The broken event a `malformed` stream sends before it ends. */
  malformedEvent: string;
}

/** Wait before an op: none (write in the same tick), the next turn of the event loop, or milliseconds. */
type Wait = "none" | "tick" | number;

interface Op {
  data: string | Buffer;
  wait: Wait;
}

type Ending = "end" | "stall" | "drop";

const SSE_HEADERS: OutgoingHttpHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};

/** Piece sizes (bytes) of awkward chunking, cycled; small and irregular so lines and UTF-8 get split. */
const AWKWARD_SIZES = [1, 5, 2, 29, 3, 53, 4, 7, 1, 87, 6, 2, 41];

/**
 * Splits an SSE body into awkward byte pieces: CRLF line endings, irregular sizes, and a split inside
 * every multi-byte UTF-8 character (right after its lead byte).
 */
export function awkwardPieces(text: string): Buffer[] {
  const bytes = Buffer.from(text.replaceAll("\n", "\r\n"), "utf8");
  const pieces: Buffer[] = [];
  let start = 0;
  let sizeIndex = 0;
  let limit = AWKWARD_SIZES[0] ?? 1;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    const isLeadByte = byte >= 0xc0;
    if (i + 1 - start >= limit || isLeadByte) {
      pieces.push(bytes.subarray(start, i + 1));
      start = i + 1;
      sizeIndex = (sizeIndex + 1) % AWKWARD_SIZES.length;
      limit = AWKWARD_SIZES[sizeIndex] ?? 1;
    }
  }
  if (start < bytes.length) pieces.push(bytes.subarray(start));
  return pieces;
}

function runOps(res: ServerResponse, ops: readonly Op[], ending: Ending, onServerDrop: () => void): void {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let closed = false;
  res.once("close", () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
  });
  const finish = (): void => {
    if (ending === "end") res.end();
    else if (ending === "drop") {
      immediate = setImmediate(() => {
        onServerDrop();
        res.socket?.destroySoon();
      });
    }
  };
  const run = (from: number, waited: boolean): void => {
    if (closed) return;
    for (let i = from; i < ops.length; i++) {
      const op = ops[i];
      if (op === undefined) break;
      if (!waited && op.wait !== "none") {
        const wait = op.wait;
        if (wait === "tick") immediate = setImmediate(() => run(i, true));
        else timer = setTimeout(() => run(i, true), wait);
        return;
      }
      waited = false;
      res.write(op.data);
    }
    finish();
  };
  run(0, false);
}

/** Builds the ops of a stream: one op per step, or awkward pieces of each step. */
function streamOps(steps: readonly string[], delayMs: number, awkward: boolean): Op[] {
  const stepWait = (index: number): Wait => (index > 0 && delayMs > 0 ? delayMs : "none");
  if (!awkward) {
    if (delayMs <= 0) return [{ data: steps.join(""), wait: "none" }];
    return steps.map((data, index) => ({ data, wait: stepWait(index) }));
  }
  const ops: Op[] = [];
  steps.forEach((step, index) => {
    const isFirstOrLast = index === 0 || index === steps.length - 1;
    const text = isFirstOrLast ? `: keep-alive\n${step}` : step;
    awkwardPieces(text).forEach((data, pieceIndex) => {
      const wait = pieceIndex === 0 ? stepWait(index) : "tick";
      ops.push({ data, wait: wait === "none" && ops.length > 0 ? "tick" : wait });
    });
  });
  return ops;
}

/** Writes an SSE stream plan according to the delivery mode. */
export function deliverStream(res: ServerResponse, plan: StreamPlan, opts: DeliverStreamOptions): void {
  if (opts.delivery === "hang") return;
  const complete = opts.delivery === "complete";
  const steps = [plan.head, ...(complete ? plan.tokens : plan.tokens.slice(0, TOKENS_BEFORE_FAILURE))];
  if (complete) steps.push(plan.tail);
  if (opts.delivery === "malformed") steps.push(opts.malformedEvent);
  const headers = opts.delivery === "malformed" ? { ...SSE_HEADERS, connection: "close" } : SSE_HEADERS;
  res.writeHead(200, headers);
  if (opts.awkward || opts.delayMs > 0) res.flushHeaders();
  const ending: Ending = opts.delivery === "stall" || opts.delivery === "drop" ? opts.delivery : "end";
  runOps(res, streamOps(steps, opts.delayMs, opts.awkward), ending, opts.onServerDrop);
}

/** Options of {@link deliverJson}. */
export interface DeliverJsonOptions extends DeliverOptions {
  /** Number of tokens of the completion (the JSON delay is `tokens * delayMs`). */
  tokens: number;
}

/** Writes a JSON body according to the delivery mode (failure modes cut or corrupt the body). */
export function deliverJson(
  res: ServerResponse,
  status: number,
  body: string,
  opts: DeliverJsonOptions,
): void {
  const send = (): void => {
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  };
  switch (opts.delivery) {
    case "hang":
      return;
    case "complete": {
      const delay = opts.delayMs * opts.tokens;
      if (delay <= 0) return send();
      const timer = setTimeout(send, delay);
      res.once("close", () => clearTimeout(timer));
      return;
    }
    case "malformed":
      res.writeHead(200, { "content-type": "application/json", connection: "close" });
      res.end("{not json");
      return;
    case "stall":
    case "drop":
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      runOps(
        res,
        [{ data: body.slice(0, body.length >> 1), wait: "none" }],
        opts.delivery,
        opts.onServerDrop,
      );
      return;
  }
}
