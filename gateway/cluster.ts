/**
 * Cluster mode (DESIGN section 8): one gateway process per core on one machine. The primary owns what must exist
 * once - the embedded redis-server child, the demo upstream and the incident worker child - and forks N gateway
 * workers that share the listening port (node:cluster round-robin) and keep their shared state in Redis. Each
 * worker's `/metrics` answers for the whole cluster (prom-client's aggregator in the primary), so a scrape through
 * any worker sees every worker's counters.
 *
 * Workers get their settings through the environment: `REDIS_URL`, `PORTCULLIS_DEMO_UPSTREAM_URL` (embedded
 * default only), `PORTCULLIS_WORKER_SLOT` and a per-slot `PORTCULLIS_DATA_DIR` (so each worker's incident spool is
 * its own file; a restarted worker takes over its slot's spool).
 */
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { AggregatorRegistry, Registry } from "prom-client";

const METRICS_REQ = "portcullis:cluster-metrics-req";
const METRICS_RES = "portcullis:cluster-metrics-res";

/** Number of gateway processes for a `server.workers` setting ("auto" = one per available core). */
export function gatewayProcessCount(setting: number | "auto"): number {
  return setting === "auto" ? availableParallelism() : setting;
}

/** True in the process that should fork gateway workers instead of serving. */
export function isClusterPrimary(setting: number | "auto"): boolean {
  return cluster.isPrimary && gatewayProcessCount(setting) > 1;
}

/** True in a forked gateway worker. */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

interface MetricsRequest {
  type: typeof METRICS_REQ;
  id: number;
}

interface MetricsResponse {
  type: typeof METRICS_RES;
  id: number;
  text?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(m: unknown, type: T["type"]): m is T {
  return typeof m === "object" && m !== null && (m as { type?: unknown }).type === type;
}

/**
 * A worker's metrics registry: `getMetricsAsJSON()` stays local (the primary aggregates it), while `metrics()` -
 * what `/metrics` serves - asks the primary for the text of the whole cluster.
 */
export class ClusterWorkerRegistry extends Registry {
  #next = 0;
  readonly #pending = new Map<number, { resolve: (t: string) => void; reject: (e: Error) => void }>();

  constructor() {
    super();
    AggregatorRegistry.setRegistries([this]);
    // Constructing one registers the worker-side listener that answers the primary's collection requests.
    new AggregatorRegistry();
    process.on("message", (m: unknown) => {
      if (!isMessage<MetricsResponse>(m, METRICS_RES)) return;
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.text !== undefined) p?.resolve(m.text);
      else p?.reject(new Error(m.error ?? "cluster metrics failed"));
    });
  }

  override metrics(): Promise<string> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error("cluster metrics timed out"));
      }, 6_000);
      this.#pending.set(id, {
        resolve: (t) => (clearTimeout(timer), resolve(t)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      process.send?.({ type: METRICS_REQ, id } satisfies MetricsRequest);
    });
  }
}

/** Options for `createMetrics` in this process: a cluster-aware registry in a worker, defaults otherwise. */
export function clusterMetricsOptions(): { registry?: Registry } {
  return cluster.isWorker ? { registry: new ClusterWorkerRegistry() } : {};
}

export interface ClusterPrimaryOptions {
  count: number;
  logger: Logger;
  /** Extra environment for every worker (Redis and demo upstream URLs). */
  env: Record<string, string>;
  /** The configured data directory; each worker slot gets `<dataDir>/gateway-<slot>`. */
  dataDir: string;
  /** The URL the workers listen on, for the log line. */
  url: string;
  /** Stops what the primary owns (incident worker child, demo upstream, redis child), after the workers exit. */
  stopOwned(): Promise<void>;
  /** Restarts allowed per minute before the primary gives up and exits. @defaultValue 10 */
  maxRestartsPerMinute?: number;
  /**
   * How long after SIGTERM the gateway processes get to drain and exit before they are killed (SIGKILL): their
   * `server.drainSeconds` and the cut after it. @defaultValue 15000
   */
  stopTimeoutMs?: number;
}

/** Forks the workers, restarts crashed ones, serves aggregated metrics, and drains everything on SIGTERM/SIGINT. */
export function runClusterPrimary(o: ClusterPrimaryOptions): void {
  const { logger } = o;
  const aggregator = new AggregatorRegistry();
  const slots = new Map<Worker, number>();
  const restarts: number[] = [];
  let stopping = false;
  let listening = 0;

  const fork = (slot: number): void => {
    const w = cluster.fork({
      ...o.env,
      PORTCULLIS_WORKER_SLOT: String(slot),
      PORTCULLIS_DATA_DIR: join(o.dataDir, `gateway-${slot}`),
    });
    slots.set(w, slot);
    w.once("listening", () => {
      if (++listening === o.count) logger.info({ url: o.url, workers: o.count }, "listening");
    });
  };

  cluster.on("message", (w, m: unknown) => {
    if (!isMessage<MetricsRequest>(m, METRICS_REQ)) return;
    aggregator.clusterMetrics().then(
      (text) => w.send({ type: METRICS_RES, id: m.id, text } satisfies MetricsResponse),
      (e: unknown) => w.send({ type: METRICS_RES, id: m.id, error: String(e) } satisfies MetricsResponse),
    );
  });

  cluster.on("exit", (w, code, signal) => {
    const slot = slots.get(w) ?? 0;
    slots.delete(w);
    if (stopping) return;
    const now = Date.now();
    restarts.push(now);
    while ((restarts[0] ?? now) < now - 60_000) restarts.shift();
    if (restarts.length > (o.maxRestartsPerMinute ?? 10)) {
      logger.fatal({ slot, code, signal }, "gateway workers keep crashing; stopping the cluster");
      shutdown("crash-loop", 1);
      return;
    }
    logger.error({ slot, code, signal }, "gateway worker exited; restarting it");
    fork(slot);
  });

  function shutdown(reason: string, exitCode = 0): void {
    if (stopping) return;
    stopping = true;
    logger.info({ reason, workers: slots.size }, "cluster shutting down");
    const force = setTimeout(() => {
      for (const w of slots.keys()) w.process.kill("SIGKILL");
    }, o.stopTimeoutMs ?? 15_000);
    force.unref();
    const exited = [...slots.keys()].map(
      (w) => new Promise<void>((res) => (w.isDead() ? res() : w.once("exit", () => res()))),
    );
    for (const w of slots.keys()) w.process.kill("SIGTERM");
    void Promise.all(exited)
      .then(() => o.stopOwned())
      .then(
        () => {
          logger.info("cluster stopped");
          process.exit(exitCode);
        },
        (e: unknown) => {
          logger.error({ err: e }, "cluster stop failed");
          process.exit(1);
        },
      );
  }

  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  for (let slot = 0; slot < o.count; slot++) fork(slot);
}
