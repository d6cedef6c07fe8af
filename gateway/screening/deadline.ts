/**
 * Shared, coarse deadline signals for the hot path. `AbortSignal.timeout()` per stage and per stream update cost
 * about 4% of the gateway's CPU under load (signal construction, a timer each, and a DOMException each time the
 * unused timer fires). Requests whose deadlines fall in the same `GRANULARITY_MS` bucket share one signal, so a
 * deadline fires between `ms` and `ms + GRANULARITY_MS` after the call - well inside any configured deadline's
 * meaning (the presets use 150-250 ms).
 */

/** Width of a deadline bucket. */
export const GRANULARITY_MS = 5;

const buckets = new Map<number, AbortSignal>();

/** A signal that aborts (with a `TimeoutError`) between `ms` and `ms + GRANULARITY_MS` from now. */
export function deadlineSignal(ms: number): AbortSignal {
  const now = performance.now();
  const at = Math.ceil((now + ms) / GRANULARITY_MS) * GRANULARITY_MS;
  let signal = buckets.get(at);
  if (signal === undefined) {
    signal = AbortSignal.timeout(Math.max(1, Math.ceil(at - now)));
    buckets.set(at, signal);
    signal.addEventListener("abort", () => buckets.delete(at), { once: true });
  }
  return signal;
}
