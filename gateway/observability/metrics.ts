/**
 * Prometheus metrics (DESIGN section 7): one registry per process, `portcullis_` prefix, labels only from fixed
 * sets - never user text, model output or key ids.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const FAST_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const SLOW_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Creates the gateway's metrics on a fresh registry. */
export function createMetrics(opts: { collectDefaults?: boolean; registry?: Registry } = {}) {
  // A cluster worker passes a registry whose `metrics()` answers for the whole cluster (gateway/cluster.ts).
  const registry = opts.registry ?? new Registry();
  if (opts.collectDefaults !== false) collectDefaultMetrics({ register: registry, prefix: "portcullis_" });
  const r = [registry];
  return {
    registry,
    requests: new Counter({
      name: "portcullis_requests_total",
      help: "Requests by endpoint (route), client dialect, decision (allow, flag, block, shadow, error, client_closed) and status class",
      labelNames: ["route", "dialect", "decision", "status"] as const,
      registers: r,
    }),
    requestSeconds: new Histogram({
      name: "portcullis_request_duration_seconds",
      help: "Time from a request's arrival to the end of its response (a stream's end for streams), by endpoint and dialect",
      labelNames: ["route", "dialect"] as const,
      buckets: SLOW_BUCKETS,
      registers: r,
    }),
    // What the HPA scales on (deploy/k8s/gateway-hpa.yaml): a stream holds a connection and an upstream socket for
    // as long as the model generates while costing little CPU. Summed over a node cluster's processes.
    requestsInFlight: new Gauge({
      name: "portcullis_requests_in_flight",
      help: "Requests in progress by endpoint (route): from arrival to their end (a stream's end for streams); probes and scrapes count under route=other",
      labelNames: ["route"] as const,
      registers: r,
    }),
    stageSeconds: new Histogram({
      name: "portcullis_stage_duration_seconds",
      help: "Screening stage latency",
      labelNames: ["stage"] as const,
      buckets: FAST_BUCKETS,
      registers: r,
    }),
    classifierSeconds: new Histogram({
      name: "portcullis_classifier_duration_seconds",
      help: "Classifier latency by classifier and stage",
      labelNames: ["classifier", "stage"] as const,
      buckets: FAST_BUCKETS,
      registers: r,
    }),
    classifierErrors: new Counter({
      name: "portcullis_classifier_errors_total",
      help: "Classifier failures (timeout, saturated, failed, aborted)",
      labelNames: ["classifier", "stage", "code"] as const,
      registers: r,
    }),
    transformerQueueSeconds: new Histogram({
      name: "portcullis_transformer_queue_seconds",
      help: "Time a transformer classifier call waited for a pool worker (until handed over, or until its deadline or abort)",
      labelNames: ["classifier"] as const,
      buckets: FAST_BUCKETS,
      registers: r,
    }),
    transformerRunSeconds: new Histogram({
      name: "portcullis_transformer_run_seconds",
      help: "Time a transformer pool worker spent tokenizing and running one call (answers past the deadline included)",
      labelNames: ["classifier"] as const,
      buckets: FAST_BUCKETS,
      registers: r,
    }),
    transformerRestarts: new Counter({
      name: "portcullis_transformer_worker_restarts_total",
      help: "Transformer pool workers replaced after exiting, crashing or failing to start",
      labelNames: ["classifier"] as const,
      registers: r,
    }),
    failMode: new Counter({
      name: "portcullis_fail_mode_total",
      help: "Stage decisions taken by the fail mode after a classifier failure or deadline",
      labelNames: ["stage", "mode"] as const,
      registers: r,
    }),
    decisions: new Counter({
      name: "portcullis_decisions_total",
      help: "Blocks, flags and shadow hits by stage and category",
      labelNames: ["stage", "decision", "category"] as const,
      registers: r,
    }),
    streamHalts: new Counter({
      name: "portcullis_stream_halts_total",
      help: "Streams cut by the completion guard",
      labelNames: ["dialect"] as const,
      registers: r,
    }),
    heldBackChars: new Histogram({
      name: "portcullis_stream_held_back_chars",
      help: "Unscreened characters held back at each screening point",
      buckets: [0, 16, 32, 64, 128, 256, 512, 1024, 4096],
      registers: r,
    }),
    streamScreenSeconds: new Histogram({
      name: "portcullis_stream_screen_seconds",
      help: "Screening time per stream update",
      buckets: FAST_BUCKETS,
      registers: r,
    }),
    streamEvents: new Counter({
      name: "portcullis_stream_events_total",
      help: "Upstream SSE events seen by the completion guard (per-chunk screening cost = screen seconds / events)",
      registers: r,
    }),
    upstreamSeconds: new Histogram({
      name: "portcullis_upstream_duration_seconds",
      help: "Upstream time to response headers",
      labelNames: ["upstream"] as const,
      buckets: SLOW_BUCKETS,
      registers: r,
    }),
    upstreamTtft: new Histogram({
      name: "portcullis_upstream_ttft_seconds",
      help: "Upstream time to the first streamed body bytes (time to first token, seen from the gateway)",
      labelNames: ["upstream"] as const,
      buckets: SLOW_BUCKETS,
      registers: r,
    }),
    upstreamErrors: new Counter({
      name: "portcullis_upstream_errors_total",
      help: "Upstream failures by kind (timeout, unreachable, status, stream)",
      labelNames: ["upstream", "kind"] as const,
      registers: r,
    }),
    upstreamLimits: new Counter({
      name: "portcullis_upstream_limit_exceeded_total",
      help: "Upstream responses cut off for passing a configured limit (event, response, duration)",
      labelNames: ["upstream", "limit"] as const,
      registers: r,
    }),
    incidents: new Counter({
      name: "portcullis_incidents_total",
      help: "Incident events produced, by action",
      labelNames: ["action"] as const,
      registers: r,
    }),
    enqueueFailures: new Counter({
      name: "portcullis_enqueue_failures_total",
      help: "Incident events that could not be queued and went to the spool",
      registers: r,
    }),
    deepScanQueued: new Counter({
      name: "portcullis_deep_scan_queued_total",
      help: "Requests queued for the asynchronous deep scan, by reason (sample, uncertain)",
      labelNames: ["reason"] as const,
      registers: r,
    }),
    deepScanDropped: new Counter({
      name: "portcullis_deep_scan_dropped_total",
      help: "Deep-scan samples not queued (Redis offline, timeout, error)",
      labelNames: ["reason"] as const,
      registers: r,
    }),
    spoolDepth: new Gauge({
      name: "portcullis_spool_depth",
      help: "Incident events waiting in the local spool",
      registers: r,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
