/**
 * Replays spooled incident events into the queue once Redis is reachable again. Each pass moves the live spool to
 * a `.draining` file, replays its events in order with their deterministic job ids, and deletes the file only when
 * every event was accepted; a failed pass keeps the file for the next one (replaying twice is harmless).
 */
import { unlink } from "node:fs/promises";
import type { Logger } from "pino";
import type { IncidentEvent } from "../../contracts/incident.ts";
import type { Metrics } from "../observability/metrics.ts";
import { readSpoolFile, type Spool } from "./spool.ts";

export interface SpoolDrainer {
  /** Runs one pass now (also used by tests); resolves true when the spool is empty afterwards. */
  drainOnce(): Promise<boolean>;
  /** Tells the drainer an event was spooled (updates the gauge). */
  noteSpooled(): void;
  stop(): Promise<void>;
}

export interface SpoolDrainerOptions {
  spool: Spool;
  add: (event: IncidentEvent) => Promise<{ ok: boolean }>;
  /** False while the queue connection is down: the pass is skipped without touching the files. */
  ready: () => boolean;
  metrics: Metrics;
  logger: Logger;
  intervalMs: number;
}

/** Starts a periodic drainer (an unref'd interval; passes never overlap). */
export function createSpoolDrainer(o: SpoolDrainerOptions): SpoolDrainer {
  let pending = 0;
  let running: Promise<boolean> | undefined;

  async function drainFile(file: string): Promise<boolean> {
    const events = await readSpoolFile(file);
    pending = Math.max(pending, events.length);
    for (const [i, event] of events.entries()) {
      const r = await o.add(event);
      if (!r.ok) {
        pending = events.length - i + o.spool.depth();
        o.metrics.spoolDepth.set(pending);
        return false;
      }
    }
    await unlink(file);
    o.logger.info({ replayed: events.length }, "replayed spooled incidents");
    return true;
  }

  async function pass(): Promise<boolean> {
    if (!o.ready()) return pending === 0;
    const files = await o.spool.takeBatches();
    for (const file of files) {
      if (!(await drainFile(file))) return false;
    }
    pending = o.spool.depth();
    o.metrics.spoolDepth.set(pending);
    return pending === 0;
  }

  function drainOnce(): Promise<boolean> {
    running ??= pass()
      .catch((e: unknown) => {
        o.logger.error({ err: e }, "spool drain pass failed");
        return false;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  const timer = setInterval(() => void drainOnce(), o.intervalMs);
  timer.unref();
  void drainOnce();

  return {
    drainOnce,
    noteSpooled() {
      pending++;
      o.metrics.spoolDepth.set(pending);
    },
    async stop() {
      clearInterval(timer);
      await running;
      await drainOnce();
    },
  };
}
