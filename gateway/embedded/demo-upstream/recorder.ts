/**
 * Counters and the ring of recorded requests of the demo upstream, with abort detection.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Counters of the demo upstream (control endpoints excluded). */
export interface DemoUpstreamStats {
  /** Requests received. */
  requests: number;
  /** Responses written to the end. */
  completed: number;
  /** Responses the client (i.e. the gateway) closed before they ended. */
  aborted: number;
}

/** One request as the demo upstream saw it. */
export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  /** Every request header, lowercased (repeated headers joined with ", "). */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw text when it is not JSON; `null` when empty. */
  body: unknown;
  /** `Date.now()` when the body had arrived. */
  at: number;
  /** `true` when the client closed the connection before the response ended. */
  aborted?: boolean;
}

/** Per-request handle returned by {@link Recorder.track}. */
export interface TrackedRequest {
  /** Records the request (no-op when recording is off). */
  record(req: IncomingMessage, path: string, body: unknown): void;
  /** Marks that the demo upstream itself drops the connection, so the close is not counted as an abort. */
  markServerDrop: () => void;
}

/** Stats plus recorded requests. */
export interface Recorder {
  stats: DemoUpstreamStats;
  requests: RecordedRequest[];
  /** Counts a request and watches its response for completion or abort. */
  track(res: ServerResponse, isShuttingDown: () => boolean): TrackedRequest;
  reset: () => void;
}

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  enabled: boolean;
  /** Number of requests kept. @defaultValue 200 */
  capacity?: number;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** Creates the stats and request ring of one demo upstream. */
export function createRecorder(opts: RecorderOptions): Recorder {
  const capacity = opts.capacity ?? 200;
  const stats: DemoUpstreamStats = { requests: 0, completed: 0, aborted: 0 };
  const requests: RecordedRequest[] = [];

  const track = (res: ServerResponse, isShuttingDown: () => boolean): TrackedRequest => {
    stats.requests++;
    let entry: RecordedRequest | undefined;
    let serverDrop = false;
    res.once("finish", () => {
      stats.completed++;
    });
    // `close` without `finish` first means the peer went away before the response ended.
    res.once("close", () => {
      if (res.writableFinished || serverDrop || isShuttingDown()) return;
      stats.aborted++;
      if (entry !== undefined) entry.aborted = true;
    });
    return {
      record(req, path, body) {
        if (!opts.enabled) return;
        entry = { method: req.method ?? "GET", path, headers: flattenHeaders(req), body, at: Date.now() };
        if (requests.length >= capacity) requests.shift();
        requests.push(entry);
      },
      markServerDrop: () => {
        serverDrop = true;
      },
    };
  };

  return {
    stats,
    requests,
    track,
    reset: () => {
      stats.requests = 0;
      stats.completed = 0;
      stats.aborted = 0;
      requests.length = 0;
    },
  };
}
