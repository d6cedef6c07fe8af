/**
 * One sample of the soak: resident memory of the gateway, worker and redis-server processes (`/proc/<pid>/status`),
 * the node processes' own prom-client figures (active handles, event-loop p99, heap), the BullMQ queue depth and
 * spool depth, Redis's memory and key count, the demo upstream's open requests and the client's counts.
 */
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { scrape, total, type Scrape } from "./prom.ts";
import type { SoakSample } from "./soak-analysis.ts";
import type { SoakServices } from "./soak-services.ts";
import type { Traffic } from "./soak-traffic.ts";

/** A {@link SoakSample} plus what the report shows beside the analysed series. */
export interface SoakSampleFull extends SoakSample {
  heapUsedMb: { gateway?: number; workers?: number };
  openFds: { gateway?: number; workers?: number };
  pids: { gateway: number; workers?: number; redis?: number };
  spoolDepth?: number;
  /** Redis `used_memory_dataset` in MB: the stored values alone, without Redis's per-key overhead. */
  redisDatasetMb?: number;
  /** BullMQ jobs the workers finished so far (completed + failed), from their `/metrics`. */
  jobsDone?: number;
  /** Demo upstream requests neither completed nor aborted nor dropped by the demo upstream itself. */
  upstreamOpen?: number;
  client: { sent: number; inFlight: number; skipped: number; benignP50Ms?: number };
  /** The gateway's `portcullis_requests_total` by decision, cumulative. */
  decisions?: Record<string, number>;
}

const DECISIONS = ["allow", "flag", "block", "error", "client_closed", "shadow"] as const;
const MB = 1024 * 1024;
const round1 = (x: number): number => Math.round(x * 10) / 10;

function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] ? round1(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function scrapeOrUndefined(url: string): Promise<Scrape | undefined> {
  try {
    return await scrape(url);
  } catch {
    return undefined;
  }
}

/** A sample value, or undefined when the metric is absent (prom-client omits nothing it registers, but be strict). */
function value(s: Scrape | undefined, name: string, labels: readonly string[] = []): number | undefined {
  if (!s) return undefined;
  const has = [...s.samples.keys()].some((k) => k === name || k.startsWith(`${name}{`));
  return has ? total(s, name, labels) : undefined;
}

const median = (xs: number[]): number | undefined =>
  xs.length === 0 ? undefined : xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Creates the sampler; `close()` ends its Redis connection. */
export function createSoakSampler(o: {
  services: SoakServices;
  traffic: () => Traffic | undefined;
  drops: () => number;
}) {
  const redis = new Redis(o.services.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on("error", () => undefined);
  const workerPids = new Set<number>();

  const redisFigures = async (): Promise<{ usedMb?: number; datasetMb?: number; keys?: number }> => {
    try {
      const info = await redis.info("memory");
      const used = /^used_memory:(\d+)/m.exec(info)?.[1];
      const dataset = /^used_memory_dataset:(\d+)/m.exec(info)?.[1];
      const keys = await redis.dbsize();
      // Three decimals: the memory per added key is computed from differences of a few hundred KB early on.
      const mb3 = (x: string): number => Math.round((Number(x) / MB) * 1000) / 1000;
      return {
        ...(used ? { usedMb: mb3(used) } : {}),
        ...(dataset ? { datasetMb: mb3(dataset) } : {}),
        keys,
      };
    } catch {
      return {};
    }
  };

  const upstreamOpen = async (): Promise<number | undefined> => {
    try {
      const res = await fetch(`${o.services.upstream.url}/__mock/stats`);
      const s = (await res.json()) as { requests: number; completed: number; aborted: number };
      return s.requests - s.completed - s.aborted - o.drops();
    } catch {
      return undefined;
    }
  };

  return {
    /** Takes one sample at `t` seconds since the load started. */
    async sample(t: number): Promise<SoakSampleFull> {
      const pids = o.services.pids();
      if (pids.workers !== undefined) workerPids.add(pids.workers);
      const [g, w, r, open] = await Promise.all([
        scrapeOrUndefined(o.services.gateway.url),
        scrapeOrUndefined(o.services.workersUrl),
        redisFigures(),
        upstreamOpen(),
      ]);
      const traffic = o.traffic();
      const counts = traffic ? Object.values(traffic.counts()) : [];
      const ms = (x: number | undefined): number | undefined =>
        x === undefined ? undefined : round1(x * 1000);
      const mb = (x: number | undefined): number | undefined =>
        x === undefined ? undefined : round1(x / MB);
      const defined = <T extends Record<string, number | undefined>>(x: T) =>
        Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as {
          [K in keyof T]?: number;
        };
      const depth = value(w, "portcullis_queue_depth", ['queue="intake"']);
      const enforcement = value(w, "portcullis_queue_depth", ['queue="enforcement"']);
      const spool = value(g, "portcullis_spool_depth");
      const jobsDone = value(w, "portcullis_worker_jobs_total");
      const benignP50 = median(traffic?.takeBenignLatencies() ?? []);
      return {
        t: round1(t),
        rssMb: defined({
          gateway: rssMb(pids.gateway),
          workers: rssMb(pids.workers),
          redis: rssMb(pids.redis),
        }),
        handles: defined({
          gateway: value(g, "portcullis_nodejs_active_handles_total"),
          workers: value(w, "portcullis_worker_nodejs_active_handles_total"),
        }),
        loopP99Ms: defined({
          gateway: ms(value(g, "portcullis_nodejs_eventloop_lag_p99_seconds")),
          workers: ms(value(w, "portcullis_worker_nodejs_eventloop_lag_p99_seconds")),
        }),
        ...(depth !== undefined && enforcement !== undefined ? { queueDepth: depth + enforcement } : {}),
        heapUsedMb: defined({
          gateway: mb(value(g, "portcullis_nodejs_heap_size_used_bytes")),
          workers: mb(value(w, "portcullis_worker_nodejs_heap_size_used_bytes")),
        }),
        openFds: defined({
          gateway: value(g, "portcullis_process_open_fds"),
          workers: value(w, "portcullis_worker_process_open_fds"),
        }),
        pids,
        ...(spool !== undefined ? { spoolDepth: spool } : {}),
        ...(r.usedMb !== undefined ? { redisUsedMb: r.usedMb } : {}),
        ...(r.datasetMb !== undefined ? { redisDatasetMb: r.datasetMb } : {}),
        ...(r.keys !== undefined ? { redisKeys: r.keys } : {}),
        ...(jobsDone !== undefined ? { jobsDone } : {}),
        ...(open !== undefined ? { upstreamOpen: open } : {}),
        client: {
          sent: counts.reduce((s, c) => s + c.sent, 0),
          inFlight: traffic?.inFlight() ?? 0,
          skipped: traffic?.skipped() ?? 0,
          ...(benignP50 !== undefined ? { benignP50Ms: round1(benignP50) } : {}),
        },
        ...(g
          ? {
              decisions: Object.fromEntries(
                DECISIONS.map((d) => [d, total(g, "portcullis_requests_total", [`decision="${d}"`])]),
              ),
            }
          : {}),
      };
    },
    /** Distinct worker process pids seen: more than one means the gateway restarted its workers. */
    workerRestarts: () => Math.max(0, workerPids.size - 1),
    close: () =>
      redis.quit().then(
        () => undefined,
        () => redis.disconnect(),
      ),
  };
}

export type SoakSampler = ReturnType<typeof createSoakSampler>;
