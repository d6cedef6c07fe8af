/**
 * A bounded `worker_threads` pool for transformer inference (CONVENTIONS 9): sessions created and warmed
 * once per worker, a deadline on every call, queue wait and run time measured separately, and a bounded
 * queue that answers `saturated` instead of piling up.
 */
import { Worker } from "node:worker_threads";
import { err, ok } from "../types.ts";
import type { ClassifierError, Result } from "../types.ts";

/** Pool options. */
export interface PoolOptions {
  readonly dir: string;
  readonly maxTokens: number;
  readonly poolSize: number;
  /** Calls waiting for a worker beyond this are refused with `saturated`. */
  readonly maxQueue: number;
}

/** What one inference returns. */
export interface Inference {
  readonly logits: readonly number[];
  readonly tokens: number;
  readonly truncated: boolean;
  /** Time spent waiting for a free worker. */
  readonly queueMs: number;
  /** Time the worker spent tokenizing and running. */
  readonly runMs: number;
}

/** The pool. */
export interface WorkerPool {
  run(
    text: string,
    pair: string | null,
    deadlineMs: number,
    signal: AbortSignal,
  ): Promise<Result<Inference, ClassifierError>>;
  /** Calls waiting for a worker now. */
  readonly queued: number;
  close(): Promise<void>;
}

interface Job {
  readonly id: number;
  readonly text: string;
  readonly pair: string | null;
  readonly enqueuedAt: number;
  dispatchedAt: number;
  settled: boolean;
  readonly settle: (r: Result<Inference, ClassifierError>) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

interface WorkerReply {
  id?: number;
  ready?: boolean;
  error?: string;
  logits?: number[];
  tokens?: number;
  truncated?: boolean;
  runMs?: number;
}

const WORKER_URL = new URL("./worker.js", import.meta.url);

/** Starts `poolSize` workers and resolves once every one has loaded and warmed its session. */
export async function createWorkerPool(o: PoolOptions): Promise<WorkerPool> {
  const queue: Job[] = [];
  let nextId = 1;
  let closing = false;

  const spawn = (): Promise<Slot> =>
    new Promise((resolveSlot, rejectSlot) => {
      const worker = new Worker(WORKER_URL, { workerData: { dir: o.dir, maxTokens: o.maxTokens } });
      const slot: Slot = { worker, job: null };
      worker.once("message", (m: WorkerReply) => {
        if (m.ready) resolveSlot(slot);
        else rejectSlot(new Error(`transformer worker failed to start: ${m.error ?? "unknown"}`));
        worker.on("message", (reply: WorkerReply) => onReply(slot, reply));
      });
      worker.on("error", (e: Error) => {
        rejectSlot(e);
        slot.job?.settle(
          err({ code: "failed", message: "transformer worker crashed", retryable: true, cause: e }),
        );
        slot.job = null;
      });
    });

  const onReply = (slot: Slot, m: WorkerReply) => {
    const job = slot.job;
    slot.job = null;
    if (job && job.id === m.id) {
      if (m.error !== undefined) job.settle(err({ code: "failed", message: m.error, retryable: false }));
      else
        job.settle(
          ok({
            logits: m.logits ?? [],
            tokens: m.tokens ?? 0,
            truncated: m.truncated ?? false,
            queueMs: job.dispatchedAt - job.enqueuedAt,
            runMs: m.runMs ?? 0,
          }),
        );
    }
    dispatch();
  };

  const slots = await Promise.all(Array.from({ length: Math.max(1, o.poolSize) }, spawn));

  const dispatch = () => {
    for (const slot of slots) {
      if (slot.job) continue;
      let job = queue.shift();
      while (job?.settled) job = queue.shift();
      if (!job) return;
      job.dispatchedAt = performance.now();
      slot.job = job;
      slot.worker.postMessage({ id: job.id, text: job.text, pair: job.pair });
    }
  };

  const run = (text: string, pair: string | null, deadlineMs: number, signal: AbortSignal) =>
    new Promise<Result<Inference, ClassifierError>>((resolve) => {
      if (closing) return resolve(err({ code: "failed", message: "pool closed", retryable: false }));
      if (signal.aborted) return resolve(err({ code: "aborted", message: "aborted", retryable: false }));
      if (queue.filter((j) => !j.settled).length >= o.maxQueue)
        return resolve(
          err({ code: "saturated", message: "transformer pool queue is full", retryable: true }),
        );
      const onAbort = () => job.settle(err({ code: "aborted", message: "aborted", retryable: false }));
      const timer = setTimeout(
        () =>
          job.settle(
            err({ code: "timeout", message: `transformer call exceeded ${deadlineMs} ms`, retryable: true }),
          ),
        deadlineMs,
      );
      const job: Job = {
        id: nextId++,
        text,
        pair,
        enqueuedAt: performance.now(),
        dispatchedAt: 0,
        settled: false,
        settle: (r) => {
          if (job.settled) return;
          job.settled = true;
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          resolve(r);
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      queue.push(job);
      dispatch();
    });

  return {
    run,
    get queued() {
      return queue.filter((j) => !j.settled).length;
    },
    async close() {
      closing = true;
      for (const j of queue) j.settle(err({ code: "failed", message: "pool closed", retryable: false }));
      queue.length = 0;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
