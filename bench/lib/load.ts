/**
 * Load generation with autocannon. Latencies come from autocannon's per-response event (float milliseconds),
 * because its own histogram keeps whole milliseconds only - too coarse for "+1 ms at p50".
 */
import autocannon from "autocannon";

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** The figures of one load run. */
export interface LoadResult extends Percentiles {
  rps: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  path: string;
  headers: Record<string, string>;
  /** Bodies to send; `pick` chooses one per request (defaults to the first). */
  bodies: readonly string[];
  pick?: () => number;
  connections: number;
  durationSec: number;
  /** Fixed overall request rate (req/s); unset = as fast as possible. */
  rate?: number;
}

/** Percentiles of a sample (sorted in place). */
export function percentiles(values: Float64Array): Percentiles {
  values.sort();
  const at = (q: number): number => {
    if (values.length === 0) return Number.NaN;
    const v = values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? Number.NaN;
    return Math.round(v * 1000) / 1000;
  };
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/** Runs one autocannon load and returns throughput and float-precision latency percentiles. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const first = opts.bodies[0] ?? "";
  const pick = opts.pick;
  const instance = autocannon({
    url: opts.url + opts.path,
    connections: opts.connections,
    duration: opts.durationSec,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: opts.path,
        headers: opts.headers,
        body: first,
        ...(pick ? { setupRequest: (req) => ({ ...req, body: opts.bodies[pick()] ?? first }) } : {}),
      },
    ],
    ...(opts.rate !== undefined ? { overallRate: opts.rate } : {}),
  });
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status < 200 || status >= 300) return;
    if (n === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[n++] = ms;
  });
  const result = await instance;
  return {
    rps: Math.round((result.requests.total / Math.max(result.duration, 0.001)) * 10) / 10,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    ...percentiles(latencies.subarray(0, n)),
  };
}
