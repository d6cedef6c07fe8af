/**
 * What one upstream response may cost the gateway: the largest SSE event, the largest body (JSON, error or a whole
 * stream) and the longest time spent reading a body. A hostile or broken upstream that passes one is cut off (its
 * request aborted) instead of filling the gateway's memory or holding a connection forever.
 */
import type { Readable } from "node:stream";

/** The limit an upstream response passed (the `limit` label of `portcullis_upstream_limit_exceeded_total`). */
export type UpstreamLimit = "event" | "response" | "duration";

/** One upstream's limits, from its config. */
export interface ResponseLimits {
  /** Largest SSE event, in UTF-8 bytes of its `data:` lines. */
  readonly maxEventBytes: number;
  /** Largest response body, in bytes. */
  readonly maxResponseBytes: number;
  /** Longest time reading one response body, from its headers on. */
  readonly maxResponseSeconds: number;
}

const UNITS = [
  ["GiB", 2 ** 30],
  ["MiB", 2 ** 20],
  ["KiB", 2 ** 10],
] as const;

/** A byte count as people write it, exactly: `64 KiB`, `32 MiB`, `1536 KiB`, `1000 bytes`. */
export function formatBytes(n: number): string {
  for (const [unit, size] of UNITS) if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  return `${n} bytes`;
}

/** The message the client gets when a response passed `limit`, whose configured value is `value`. */
export function limitMessage(limit: UpstreamLimit, value: number): string {
  switch (limit) {
    case "event":
      return `upstream stream event exceeded ${formatBytes(value)}`;
    case "response":
      return `upstream response exceeded ${formatBytes(value)}`;
    case "duration":
      return `upstream response took longer than ${value} s`;
  }
}

/** Counts a body's bytes and runs its clock; reports the first limit passed, once. */
export interface BodyMeter {
  /** Adds a chunk's size; false (and the breach reported) when the body is now over `maxResponseBytes`. */
  count(bytes: number): boolean;
  /** The body is done (or abandoned): stops the clock. */
  stop(): void;
}

/** The limits a body meter enforces. */
export type BodyLimits = Pick<ResponseLimits, "maxResponseBytes" | "maxResponseSeconds">;

/** A limit a body passed, with the message for the client. */
export interface BodyBreach {
  readonly limit: "response" | "duration";
  readonly message: string;
}

/** Starts the clock on a body now; `onBreach` is called at most once, for the first limit passed. */
export function createBodyMeter(limits: BodyLimits, onBreach: (breach: BodyBreach) => void): BodyMeter {
  let total = 0;
  let over = false;
  const breach = (limit: "response" | "duration"): void => {
    if (over) return;
    over = true;
    clearTimeout(timer);
    const value = limit === "response" ? limits.maxResponseBytes : limits.maxResponseSeconds;
    onBreach({ limit, message: limitMessage(limit, value) });
  };
  const timer = setTimeout(() => breach("duration"), limits.maxResponseSeconds * 1000);
  return {
    count(bytes) {
      total += bytes;
      if (total > limits.maxResponseBytes) breach("response");
      return !over;
    },
    stop: () => clearTimeout(timer),
  };
}

/** A whole body read within its limits, or the limit it passed (the body is then destroyed, unread). */
export type BoundedBody = { ok: true; bytes: Buffer } | ({ ok: false } & BodyBreach);

/**
 * Reads a body, holding at most `maxResponseBytes` of it: past that size or `maxResponseSeconds` it stops reading
 * and destroys the body (which aborts the upstream request). Read errors (a timeout, a reset, the client's abort)
 * reject as they are.
 */
export async function readBounded(body: Readable, limits: BodyLimits): Promise<BoundedBody> {
  let passed: BodyBreach | undefined;
  const meter = createBodyMeter(limits, (breach) => {
    passed = breach;
    body.destroy();
  });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (!meter.count(chunk.length)) break;
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (e: unknown) {
    // Destroying the body for the clock ends the read with a premature-close error.
    if (passed === undefined) throw e;
  } finally {
    meter.stop();
  }
  return passed === undefined ? { ok: true, bytes: Buffer.concat(chunks, size) } : { ok: false, ...passed };
}
