/** Reads the gateway's `/metrics` text for the few figures the benchmark reports. */

/** Parsed sample values: `name{labels}` -> value, plus sums by metric name and by label. */
export interface Scrape {
  readonly samples: ReadonlyMap<string, number>;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/;

/** Fetches and parses `/metrics`. */
export async function scrape(baseUrl: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`);
  const text = await res.text();
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = LINE.exec(line);
    if (m?.[1] && m[3] !== undefined) samples.set(m[1] + (m[2] ?? ""), Number(m[3]));
  }
  return { samples };
}

/** Sum of every sample of `name` whose labels contain all of `labels` (`key="value"` substrings). */
export function total(s: Scrape, name: string, labels: readonly string[] = []): number {
  let sum = 0;
  for (const [key, v] of s.samples) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    if (labels.every((l) => key.includes(l))) sum += v;
  }
  return sum;
}

/** `after - before` for one series. */
export function delta(before: Scrape, after: Scrape, name: string, labels: readonly string[] = []): number {
  return total(after, name, labels) - total(before, name, labels);
}

/** Decisions of completed requests between two scrapes. */
export function decisionShares(before: Scrape, after: Scrape) {
  const n = (d: string): number => delta(before, after, "portcullis_requests_total", [`decision="${d}"`]);
  const allow = n("allow");
  const block = n("block");
  const flag = n("flag");
  const error = n("error");
  const all = allow + block + flag + error;
  const share = (x: number): number => (all === 0 ? 0 : Math.round((x / all) * 10_000) / 100);
  return { requests: all, blockedPct: share(block), flaggedPct: share(flag), errorPct: share(error) };
}

/** Screening time per SSE event (microseconds) between two scrapes, and the per-update figure. */
export function screeningPerChunk(before: Scrape, after: Scrape) {
  const seconds = delta(before, after, "portcullis_stream_screen_seconds_sum");
  const updates = delta(before, after, "portcullis_stream_screen_seconds_count");
  const events = delta(before, after, "portcullis_stream_events_total");
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    usPerChunk: events > 0 ? round((seconds * 1e6) / events) : Number.NaN,
    usPerUpdate: updates > 0 ? round((seconds * 1e6) / updates) : Number.NaN,
    chunksPerUpdate: updates > 0 ? round(events / updates) : Number.NaN,
    events,
  };
}
