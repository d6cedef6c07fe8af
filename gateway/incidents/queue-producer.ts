/**
 * The BullMQ incident producer (CONVENTIONS 11): `add()` on a connection with `enableOfflineQueue: false` under a
 * short deadline; anything that fails or is late goes to the fsync'd spool and the drainer replays it. The job id
 * is the incident id, so a late `add()` that did land plus its spooled replay still make one job, and the intake
 * worker's `SET NX` on the incident id makes one incident even after the job itself was removed. Events are
 * redacted (`contracts/redact.ts`) before either write, so no raw e-mail, card or phone number is persisted.
 */
import { Queue } from "bullmq";
import {
  createReplicationBarrier,
  probeReplicas,
  redisUsable,
  type RedisClient,
} from "../../contracts/redis-client.ts";
import type { Logger } from "pino";
import {
  INCIDENT_JOB,
  INCIDENT_QUEUE,
  type IncidentEvent,
  type IncidentProducer,
} from "../../contracts/incident.ts";
import type { EventRedactor } from "../../contracts/redact.ts";
import type { Metrics } from "../observability/metrics.ts";
import { createSpoolDrainer, type SpoolDrainer } from "./drainer.ts";
import type { Spool } from "./spool.ts";

/** Bounded job retention for every queue (CONVENTIONS 11). */
export const JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const;

export interface QueueProducerOptions {
  /** A connection created with `enableOfflineQueue: false` (commands fail at once while Redis is away). */
  connection: RedisClient;
  /** BullMQ key prefix (the config's `redis.prefix`). */
  prefix: string;
  spool: Spool;
  /** Applied to every event before it is queued or spooled (`incidents.redact`); replays of unmarked lines too. */
  redact: EventRedactor;
  metrics: Metrics;
  logger: Logger;
  /** Deadline for one `add()`. @defaultValue 250 */
  enqueueTimeoutMs?: number;
  /** Drainer period. @defaultValue 1000 */
  drainIntervalMs?: number;
  /**
   * Replicas that must acknowledge a job before it counts as handed off (`redis.replicaAcks`), checked with WAIT on
   * a connection of its own (WAIT blocks its connection; the producer's must stay free). Absent: trust the primary.
   */
  replication?: { connection: RedisClient; acks: number };
}

export interface QueueProducer extends IncidentProducer {
  readonly drainer: SpoolDrainer;
}

/** The outcome of one enqueue attempt: a value, never a rejection. */
export type AddOutcome =
  { ok: true } | { ok: false; reason: "timeout" | "offline" | "error" | "unreplicated"; cause?: unknown };

/** The part of a BullMQ `Queue` an enqueue needs. */
interface Addable<T> {
  add(name: string, data: T, opts: { jobId: string }): Promise<unknown>;
}

/**
 * One `add()` raced against a deadline (CONVENTIONS 11: BullMQ in a request path fails fast), followed within the
 * same deadline by `replicated` when given (false = not safe yet). The job id makes a later retry of the same job
 * idempotent.
 */
export async function addWithDeadline<T>(
  queue: Addable<T>,
  job: { name: string; data: T; jobId: string },
  timeoutMs: number,
  replicated?: () => Promise<boolean>,
): Promise<AddOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<AddOutcome>((res) => {
    timer = setTimeout(() => res({ ok: false, reason: "timeout" }), timeoutMs);
  });
  const attempt = queue
    .add(job.name, job.data, { jobId: job.jobId })
    .then(async (): Promise<AddOutcome> => {
      if (replicated === undefined || (await replicated())) return { ok: true };
      return { ok: false, reason: "unreplicated" };
    })
    .catch((e: unknown): AddOutcome => ({ ok: false, reason: "error", cause: e }));
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates the producer and starts its drainer. Call `close()` on shutdown (final drain attempt, then spool close). */
export function createQueueProducer(o: QueueProducerOptions): QueueProducer {
  const timeoutMs = o.enqueueTimeoutMs ?? 250;
  const queue = new Queue<IncidentEvent>(INCIDENT_QUEUE, {
    connection: o.connection,
    prefix: o.prefix,
    skipWaitingForReady: true,
    // No INFO round trip at init: with the offline queue off it would fail while Redis is away and wedge the queue.
    skipVersionCheck: true,
    defaultJobOptions: { ...JOB_RETENTION, attempts: 5, backoff: { type: "exponential", delay: 1_000 } },
  });
  queue.on("error", (e: Error) => o.logger.warn({ err: e.message }, "incident queue error"));

  // The probe key shares the prefix's hash tag, so it lives on the node that holds every incident job.
  const r = o.replication;
  const probe =
    r && r.acks > 0
      ? createReplicationBarrier(() =>
          probeReplicas(r.connection, `${o.prefix}:replication-probe`, r.acks, timeoutMs),
        )
      : undefined;
  const replicated = probe && r ? async () => (await probe()) >= r.acks : undefined;

  async function add(event: IncidentEvent): Promise<AddOutcome> {
    if (!redisUsable(o.connection)) return { ok: false, reason: "offline" };
    return addWithDeadline(
      queue,
      { name: INCIDENT_JOB, data: event, jobId: event.id },
      timeoutMs,
      replicated,
    );
  }

  const drainer = createSpoolDrainer({
    spool: o.spool,
    // A spool written by an older gateway may hold unredacted events: redact them before they reach Redis.
    add: (event) => add(event.redacted ? event : o.redact(event)),
    ready: () => redisUsable(o.connection),
    metrics: o.metrics,
    logger: o.logger,
    intervalMs: o.drainIntervalMs ?? 1_000,
  });

  return {
    drainer,
    async publish(raw) {
      // Personal data never reaches the job hash or the spool file (issue 10, item 8).
      const event = o.redact(raw);
      const r = await add(event);
      if (r.ok) return;
      o.metrics.enqueueFailures.inc();
      o.logger.warn({ incident: event.id, reason: r.reason }, "incident enqueue failed; spooling");
      try {
        await o.spool.append(event);
        drainer.noteSpooled();
      } catch (e: unknown) {
        o.logger.error({ err: e, incident: event.id }, "incident spool write failed");
      }
    },
    async close() {
      await drainer.stop();
      await queue.close().catch((e: unknown) => o.logger.warn({ err: e }, "incident queue close failed"));
      await o.spool.close();
    },
  };
}
