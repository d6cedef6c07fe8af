/**
 * The worker process's metrics (CONVENTIONS 12), served on its own `/metrics` beside its probes: queue depth by
 * queue (BullMQ queues and review queues), oldest unreviewed incident age by review queue, review decisions by
 * outcome, and jobs by queue and outcome. Depths are read from Redis at scrape time.
 */
import { createServer, type Server } from "node:http";
import type { Queue } from "bullmq";
import type { RedisClient } from "../contracts/redis-client.ts";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { REVIEW_QUEUES } from "../contracts/incident.ts";
import type { RedisKeys } from "../contracts/redis-keys.ts";

/** Fixed label values for the job queues. */
export type JobQueueLabel = "intake" | "enforcement" | "deep_scan";

export interface WorkerMetricsOptions {
  redis: RedisClient;
  keys: RedisKeys;
  queues: Readonly<Partial<Record<JobQueueLabel, Queue>>>;
}

/** Creates the registry and metrics. */
export function createWorkerMetrics(o: WorkerMetricsOptions) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "portcullis_worker_" });
  const r = [registry];
  const depth = new Gauge({
    name: "portcullis_queue_depth",
    help: "Jobs waiting (job queues) or incidents waiting for review (review_* queues)",
    labelNames: ["queue"] as const,
    registers: r,
    async collect() {
      for (const [label, q] of Object.entries(o.queues)) {
        const c = await q.getJobCounts("waiting", "active", "delayed", "prioritized");
        this.set(
          { queue: label },
          Object.values(c).reduce((a, b) => a + b, 0),
        );
      }
      for (const name of REVIEW_QUEUES)
        this.set({ queue: `review_${name}` }, await o.redis.zcard(o.keys.reviewQueue(name)));
    },
  });
  const oldest = new Gauge({
    name: "portcullis_review_oldest_unreviewed_seconds",
    help: "Age of the oldest incident waiting in each review queue (0 when empty)",
    labelNames: ["queue"] as const,
    registers: r,
    async collect() {
      const now = Date.now();
      for (const name of REVIEW_QUEUES) {
        const first = await o.redis.zrange(o.keys.reviewQueue(name), "0", "0", "WITHSCORES");
        this.set({ queue: name }, first[1] !== undefined ? Math.max(0, (now - Number(first[1])) / 1000) : 0);
      }
    },
  });
  return {
    registry,
    depth,
    oldest,
    decisions: new Counter({
      name: "portcullis_review_decisions_total",
      help: "Reviewer decisions by outcome",
      labelNames: ["decision"] as const,
      registers: r,
    }),
    jobs: new Counter({
      name: "portcullis_worker_jobs_total",
      help: "Jobs finished by queue and outcome",
      labelNames: ["queue", "outcome"] as const,
      registers: r,
    }),
  };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** Whether the process can do its work now, and if not, why (a short fixed phrase, never data). */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/**
 * Serves `/metrics`, `/livez` (the process answers) and `/readyz` (200, or 503 with `{"status":"not ready",
 * "reason":...}` as `readiness` says); resolves with the URL once listening.
 */
export function serveMetrics(
  registry: Registry,
  o: { host: string; port: number; readiness: () => Readiness },
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === "/livez") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    if (req.url === "/readyz") {
      const r = o.readiness();
      const body = r.ready ? { status: "ready" } : { status: "not ready", reason: r.reason };
      res.writeHead(r.ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body));
      return;
    }
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { "content-type": registry.contentType }).end(body),
      (e: unknown) => res.writeHead(500).end(e instanceof Error ? e.message : "metrics failed"),
    );
  });
  return new Promise((res, rej) => {
    server.once("error", rej);
    server.listen(o.port, o.host, () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : o.port;
      res({ server, url: `http://${o.host}:${port}` });
    });
  });
}
