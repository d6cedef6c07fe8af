/**
 * Time to first SSE event, measured with a plain undici client loop (autocannon only sees whole responses):
 * sequential streamed requests, alternating between targets so drift hits every target alike.
 */
import { Pool } from "undici";
import { percentiles, type Percentiles } from "./load.ts";

export interface TtftTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
}

/** Per target: time to the first event, and to the first event that carries completion text. */
export interface TtftResult {
  firstEvent: Percentiles;
  firstText: Percentiles;
  samples: number;
}

const TEXT_MARK = /"content":"[^"]/;

async function once(pool: Pool, t: TtftTarget, body: string): Promise<[number, number]> {
  const t0 = performance.now();
  const res = await pool.request({ path: "/v1/chat/completions", method: "POST", headers: t.headers, body });
  let first = Number.NaN;
  let text = Number.NaN;
  let seen = "";
  for await (const chunk of res.body) {
    const now = performance.now();
    const s = (chunk as Buffer).toString("utf8");
    if (Number.isNaN(first) && s.includes("data:")) first = now - t0;
    if (Number.isNaN(text)) {
      seen += s;
      if (TEXT_MARK.test(seen)) text = now - t0;
      else seen = seen.slice(-32);
    }
  }
  if (res.statusCode !== 200) throw new Error(`${t.name}: status ${res.statusCode}`);
  return [first, text];
}

/** Runs `samples` streamed requests per target, interleaved, after a short warm-up. */
export async function measureTtft(
  targets: readonly TtftTarget[],
  body: string,
  samples: number,
): Promise<Record<string, TtftResult>> {
  const pools = targets.map((t) => new Pool(t.url, { connections: 1, keepAliveTimeout: 30_000 }));
  const firsts = targets.map(() => new Float64Array(samples));
  const texts = targets.map(() => new Float64Array(samples));
  try {
    for (let i = -20; i < samples; i++) {
      for (const [j, t] of targets.entries()) {
        const pool = pools[j];
        if (!pool) continue;
        const [first, text] = await once(pool, t, body);
        if (i < 0) continue;
        (firsts[j] ?? [])[i] = first;
        (texts[j] ?? [])[i] = text;
      }
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  const out: Record<string, TtftResult> = {};
  for (const [j, t] of targets.entries()) {
    out[t.name] = {
      firstEvent: percentiles(firsts[j] ?? new Float64Array()),
      firstText: percentiles(texts[j] ?? new Float64Array()),
      samples,
    };
  }
  return out;
}
