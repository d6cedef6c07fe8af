/**
 * Runs `workers/main.ts` as a supervised child of the gateway (what `npm start` does unless `--no-workers`),
 * sharing the gateway's Redis through the environment. The child's pino lines pass through to the gateway's stdout.
 *
 * The child runs the way the gateway runs (`entryPointCommand`): `dist/workers/main.js` with plain node when the
 * gateway is the compiled build, or node itself with tsx's loader when it runs from source (tests). It has an IPC
 * channel: the worker process tells the gateway when it is ready, and exits when that channel closes, so a gateway
 * that dies without its shutdown hook (SIGKILL, OOM) does not leave an orphaned worker holding the metrics port and
 * consuming queues. A child that exits on its own is restarted with exponential backoff (1 s doubling to 30 s, back
 * to 1 s after a minute up); `healthy()` is false from such an exit until the child reports ready again, and the
 * gateway's `/readyz` with it (a first start counts as healthy, so the gateway does not wait for its workers).
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Logger } from "pino";
import { entryPointCommand, PROJECT_ROOT } from "../fs/project-root.ts";

export interface WorkerChild {
  /** False from an unexpected exit of the worker process until its replacement reports ready. */
  healthy(): boolean;
  stop(): Promise<void>;
}

export interface WorkerChildOptions {
  /** Environment for the child (must carry REDIS_URL, with the password when Redis requires one). */
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Project root (where `workers/`, `dist/` and `node_modules/` live). @defaultValue `PROJECT_ROOT` */
  root?: string;
  /** First restart delay; doubles per failed start up to `maxBackoffMs`. @defaultValue 1000 */
  backoffMs?: number;
  /** @defaultValue 30000 */
  maxBackoffMs?: number;
}

/** Up this long, a child counts as healthy again: the next restart waits `backoffMs` once more. */
const STABLE_MS = 60_000;

function isReadyMessage(m: unknown): boolean {
  return typeof m === "object" && m !== null && (m as { type?: unknown }).type === "workers-ready";
}

/** Spawns the worker process and keeps it running until `stop()`. */
export function startWorkerChild(o: WorkerChildOptions): WorkerChild {
  const root = o.root ?? PROJECT_ROOT;
  const base = o.backoffMs ?? 1_000;
  const max = o.maxBackoffMs ?? 30_000;
  let child: ChildProcess | undefined;
  let healthy = true;
  let stopping = false;
  let delay = base;
  let restart: NodeJS.Timeout | undefined;

  const launch = (): void => {
    const startedAt = Date.now();
    const c = spawn(process.execPath, entryPointCommand("workers/main.ts", root).args, {
      cwd: root,
      env: { ...o.env, PORTCULLIS_WORKERS_PARENT_IPC: "1" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child = c;
    // The channel only carries "ready" and signals the parent's death; it must not keep the event loop alive.
    c.channel?.unref();
    c.on("message", (m) => {
      if (isReadyMessage(m)) healthy = true;
    });
    c.on("error", (e) => o.logger.error({ err: e }, "worker process failed to start"));
    c.on("exit", (code, signal) => {
      if (stopping) return;
      healthy = false;
      if (Date.now() - startedAt > STABLE_MS) delay = base;
      o.logger.error({ code, signal, restartInMs: delay }, "worker process exited; restarting");
      restart = setTimeout(launch, delay);
      restart.unref();
      delay = Math.min(delay * 2, max);
    });
  };
  launch();

  return {
    healthy: () => healthy,
    stop: () =>
      new Promise<void>((res) => {
        stopping = true;
        clearTimeout(restart);
        const c = child;
        if (!c || c.exitCode !== null || c.signalCode !== null) return res();
        const kill = setTimeout(() => c.kill("SIGKILL"), 8_000);
        c.once("exit", () => {
          clearTimeout(kill);
          res();
        });
        c.kill("SIGTERM");
      }),
  };
}
