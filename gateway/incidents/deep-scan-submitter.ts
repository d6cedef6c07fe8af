/**
 * Queues requests for the asynchronous deep scan (DESIGN section 6): a configured sample of all traffic plus every
 * request whose screening landed in the uncertain band. Fail-fast like the incident producer, but a sample that
 * cannot be queued is counted and dropped (it is not a flag; nothing is lost that the policy decided on). The event
 * is redacted before it is queued, like an incident.
 */
import { Queue } from "bullmq";
import { redisUsable, type RedisClient } from "../../contracts/redis-client.ts";
import type { Logger } from "pino";
import {
  DEEP_SCAN_JOB,
  DEEP_SCAN_QUEUE,
  type DeepScanJob,
  type IncidentEvent,
} from "../../contracts/incident.ts";
import type { EventRedactor } from "../../contracts/redact.ts";
import type { Metrics } from "../observability/metrics.ts";
import { JOB_RETENTION, addWithDeadline } from "./queue-producer.ts";

export interface DeepScanSubmitter {
  /**
   * Queues the request when it is sampled or uncertain; `event` is only built then. Never rejects, never waits
   * past the enqueue deadline.
   */
  submit(uncertain: boolean, event: () => IncidentEvent): void;
  close(): Promise<void>;
}

export interface DeepScanSubmitterOptions {
  /** A connection created with `enableOfflineQueue: false`. */
  connection: RedisClient;
  prefix: string;
  sampleRate: number;
  /** Queue every uncertain decision. */
  uncertain: boolean;
  enqueueTimeoutMs: number;
  /** Applied to the event before it is queued (`incidents.redact`). */
  redact: EventRedactor;
  metrics: Metrics;
  logger: Logger;
  /** @defaultValue Math.random */
  random?: () => number;
}

export function createDeepScanSubmitter(o: DeepScanSubmitterOptions): DeepScanSubmitter {
  const random = o.random ?? Math.random;
  const queue = new Queue<DeepScanJob>(DEEP_SCAN_QUEUE, {
    connection: o.connection,
    prefix: o.prefix,
    skipWaitingForReady: true,
    skipVersionCheck: true,
    defaultJobOptions: { ...JOB_RETENTION, attempts: 3, backoff: { type: "exponential", delay: 2_000 } },
  });
  queue.on("error", (e: Error) => o.logger.warn({ err: e.message }, "deep-scan queue error"));

  async function add(job: DeepScanJob): Promise<void> {
    const r = await addWithDeadline(
      queue,
      { name: DEEP_SCAN_JOB, data: job, jobId: job.id },
      o.enqueueTimeoutMs,
    );
    if (r.ok) {
      o.metrics.deepScanQueued.inc({ reason: job.reason });
      return;
    }
    o.metrics.deepScanDropped.inc({ reason: r.reason });
    if (r.reason === "error") o.logger.debug({ err: r.cause }, "deep-scan enqueue failed");
  }

  return {
    submit(uncertain, event) {
      const reason = uncertain && o.uncertain ? "uncertain" : random() < o.sampleRate ? "sample" : undefined;
      if (reason === undefined) return;
      if (!redisUsable(o.connection)) {
        o.metrics.deepScanDropped.inc({ reason: "offline" });
        return;
      }
      const e = o.redact(event());
      void add({ id: `ds_${e.id.replace(/^inc_/, "")}`, reason, event: e });
    },
    close: () => queue.close(),
  };
}
