/**
 * A bounded, self-healing `worker_threads` pool for transformer inference (CONVENTIONS 9): sessions created and
 * warmed once per worker, a deadline on every call, queue wait and run time measured separately and reported to an
 * observer, a bounded queue that answers `saturated` instead of piling up, and a worker that dies replaced in its
 * slot (after a doubling backoff, so one that dies on start does not spin), failing its in-flight call at once.
 *
 * Hand-rolled rather than Piscina: Piscina cancels a running task by terminating its thread, so every missed
 * deadline would discard a warmed ONNX session and reload the model (seconds for Prompt Guard 2) under exactly the
 * load that caused the miss. Here a late answer is dropped and the warm worker kept; the pool also needs the
 * ready/warm handshake and per-call timings, which is most of the code either way.
 */
import { Worker } from "node:worker_threads";
import { err, ok } from "../types.ts";
import type { ClassifierError, Result } from "../types.ts";

/** Receives the pool's timings and restarts (the gateway turns them into metrics). */
export interface PoolObserver {
  /** A call left the queue: handed to a worker, or ended by its deadline, abort or `close()` while still waiting. */
  readonly queueWait?: (ms: number) => void;
  /** A worker finished a call (tokenize + run); reported even when the caller's deadline had already passed. */
  readonly run?: (ms: number) => void;
  /** A worker exited, crashed or failed to start; its replacement starts `delayMs` from now. */
  readonly workerRestart?: (e: { readonly delayMs: number; readonly cause: Error }) => void;
}

/** Pool options. */
export interface PoolOptions {
  readonly dir: string;
  readonly maxTokens: number;
  readonly poolSize: number;
  /** Calls waiting for a worker beyond this are refused with `saturated`. */
  readonly maxQueue: number;
  readonly observer?: PoolObserver;
  /** Delay before replacing a dead worker, doubled per consecutive failed start. @defaultValue 100 */
  readonly restartDelayMs?: number;
  /** Ceiling of that delay. @defaultValue 5000 */
  readonly maxRestartDelayMs?: number;
  /** The worker script; tests wrap the real one to make a thread exit on cue. @defaultValue `./worker.js` */
  readonly workerUrl?: URL;
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
  /** Workers started and ready now; back to `poolSize` once a replacement has warmed up. */
  readonly size: number;
  close(): Promise<void>;
}

interface Job {
  readonly id: number;
  readonly text: string;
  readonly pair: string | null;
  readonly enqueuedAt: number;
  /** `null` while queued. */
  dispatchedAt: number | null;
  settled: boolean;
  readonly settle: (r: Result<Inference, ClassifierError>) => void;
}

interface Slot {
  /** `null` while a replacement waits out its backoff. */
  worker: Worker | null;
  ready: boolean;
  job: Job | null;
  /** Deaths since a worker in this slot last became ready; drives the backoff. */
  failures: number;
  restart: NodeJS.Timeout | undefined;
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

interface Startup {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

const WORKER_URL = new URL("./worker.js", import.meta.url);

const closedError = (): ClassifierError => ({ code: "failed", message: "pool closed", retryable: false });

/** Starts `poolSize` workers and resolves once every one has loaded and warmed its session. */
export async function createWorkerPool(o: PoolOptions): Promise<WorkerPool> {
  const workerUrl = o.workerUrl ?? WORKER_URL;
  const initialDelay = o.restartDelayMs ?? 100;
  const maxDelay = o.maxRestartDelayMs ?? 5000;
  const queue: Job[] = [];
  let nextId = 1;
  let closing = false;
  const slots: Slot[] = Array.from({ length: Math.max(1, o.poolSize) }, () => ({
    worker: null,
    ready: false,
    job: null,
    failures: 0,
    restart: undefined,
  }));

  const failInFlight = (slot: Slot, cause: Error) => {
    const job = slot.job;
    slot.job = null;
    // A fixed message: the worker's own error could quote the input.
    job?.settle(
      err({ code: "failed", message: "transformer worker died during the call", retryable: true, cause }),
    );
  };

  const replace = (slot: Slot, cause: Error) => {
    const delayMs = Math.min(maxDelay, initialDelay * 2 ** slot.failures);
    slot.failures += 1;
    o.observer?.workerRestart?.({ delayMs, cause });
    slot.restart = setTimeout(() => {
      slot.restart = undefined;
      try {
        start(slot);
      } catch (e) {
        // `new Worker` itself refused (e.g. out of resources): try again later, never throw from a timer.
        replace(slot, e instanceof Error ? e : new Error(String(e)));
      }
    }, delayMs);
  };

  /** Starts a worker in `slot`; `startup` (boot only) hears whether it got ready. */
  const start = (slot: Slot, startup?: Startup) => {
    const worker = new Worker(workerUrl, { workerData: { dir: o.dir, maxTokens: o.maxTokens } });
    slot.worker = worker;
    slot.ready = false;
    let cause: Error | undefined;
    let becameReady = false;
    worker.on("message", (m: WorkerReply) => {
      if (slot.worker !== worker) return;
      if (m.ready === undefined) return onReply(slot, m);
      if (!m.ready) {
        cause = new Error(`transformer worker failed to start: ${m.error ?? "unknown"}`);
        void worker.terminate();
        return;
      }
      becameReady = true;
      slot.ready = true;
      slot.failures = 0;
      startup?.resolve();
      dispatch();
    });
    worker.on("error", (e: Error) => {
      // An uncaught error in the thread; `exit` follows and replaces it, but the caller hears now.
      cause = e;
      if (slot.worker !== worker) return;
      slot.ready = false;
      failInFlight(slot, e);
    });
    worker.on("exit", (code: number) => {
      if (slot.worker !== worker) return;
      const why = cause ?? new Error(`transformer worker exited with code ${code}`);
      slot.worker = null;
      slot.ready = false;
      failInFlight(slot, why);
      if (closing) return;
      // At boot a worker that never got ready fails the boot (`close()` then stops the rest) instead of retrying.
      if (startup && !becameReady) return startup.reject(why);
      replace(slot, why);
    });
  };

  const onReply = (slot: Slot, m: WorkerReply) => {
    const job = slot.job;
    slot.job = null;
    if (m.runMs !== undefined) o.observer?.run?.(m.runMs);
    if (job && job.id === m.id) {
      if (m.error !== undefined) {
        // A fixed message, as in `failInFlight`: the worker's error text (tokenizer, onnxruntime) could quote the
        // input. The original stays in `cause` for a debugger; it must not reach a log line (pino's `err`
        // serializer appends the messages of causes).
        const cause = new Error(m.error);
        job.settle(
          err({ code: "failed", message: "transformer worker failed the call", retryable: false, cause }),
        );
      } else
        job.settle(
          ok({
            logits: m.logits ?? [],
            tokens: m.tokens ?? 0,
            truncated: m.truncated ?? false,
            queueMs: (job.dispatchedAt ?? job.enqueuedAt) - job.enqueuedAt,
            runMs: m.runMs ?? 0,
          }),
        );
    }
    dispatch();
  };

  const dispatch = () => {
    for (const slot of slots) {
      if (!slot.ready || slot.job || !slot.worker) continue;
      const job = queue.shift();
      if (!job) return;
      job.dispatchedAt = performance.now();
      o.observer?.queueWait?.(job.dispatchedAt - job.enqueuedAt);
      slot.job = job;
      slot.worker.postMessage({ id: job.id, text: job.text, pair: job.pair });
    }
  };

  const run = (text: string, pair: string | null, deadlineMs: number, signal: AbortSignal) =>
    new Promise<Result<Inference, ClassifierError>>((resolve) => {
      if (closing) return resolve(err(closedError()));
      if (signal.aborted) return resolve(err({ code: "aborted", message: "aborted", retryable: false }));
      if (queue.length >= o.maxQueue)
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
        dispatchedAt: null,
        settled: false,
        settle: (r) => {
          if (job.settled) return;
          job.settled = true;
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          if (job.dispatchedAt === null) {
            const i = queue.indexOf(job);
            if (i >= 0) queue.splice(i, 1);
            o.observer?.queueWait?.(performance.now() - job.enqueuedAt);
          }
          resolve(r);
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      queue.push(job);
      dispatch();
    });

  const close = async () => {
    closing = true;
    for (const slot of slots) {
      clearTimeout(slot.restart);
      slot.job?.settle(err(closedError()));
    }
    for (const job of [...queue]) job.settle(err(closedError()));
    await Promise.all(slots.flatMap((s) => (s.worker ? [s.worker.terminate()] : [])));
  };

  try {
    await Promise.all(
      slots.map((slot) => new Promise<void>((resolve, reject) => start(slot, { resolve, reject }))),
    );
  } catch (e) {
    // A worker that cannot start at boot is a configuration error: stop the others and fail the boot.
    await close();
    throw e;
  }

  return {
    run,
    get queued() {
      return queue.length;
    },
    get size() {
      return slots.filter((s) => s.ready).length;
    },
    close,
  };
}
