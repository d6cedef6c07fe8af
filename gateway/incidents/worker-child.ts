/**
 * Runs `workers/main.ts` as a child of the gateway (what `npm start` does unless `--no-workers`), sharing the
 * gateway's Redis through the environment. The child's pino lines pass through to the gateway's stdout.
 *
 * The child is node itself with tsx's loader (not the `tsx` CLI, which would add a process in between) and an IPC
 * channel: the worker process exits when that channel closes, so a gateway that dies without its shutdown hook
 * (SIGKILL, OOM) does not leave an orphaned worker holding the metrics port and consuming queues.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import type { Logger } from "pino";

export interface WorkerChild {
  stop(): Promise<void>;
}

export interface WorkerChildOptions {
  /** Environment for the child (must carry REDIS_URL). */
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Project root (where `node_modules/tsx` lives). @defaultValue two levels above this file */
  root?: string;
}

/** Spawns the worker process. It is not restarted if it dies (a supervisor's job); the exit is logged. */
export function startWorkerChild(o: WorkerChildOptions): WorkerChild {
  const root = o.root ?? resolve(import.meta.dirname, "../..");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(root, "workers/main.ts")], {
    cwd: root,
    env: { ...o.env, PORTCULLIS_WORKERS_PARENT_IPC: "1" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  // The channel only signals the parent's death; it must not keep the gateway's event loop alive.
  child.channel?.unref();
  let stopping = false;
  child.on("error", (e) => o.logger.error({ err: e }, "worker process failed to start"));
  child.on("exit", (code, signal) => {
    if (!stopping) o.logger.error({ code, signal }, "worker process exited");
  });
  return {
    stop: () =>
      new Promise<void>((res) => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null) return res();
        const kill = setTimeout(() => child.kill("SIGKILL"), 8_000);
        child.once("exit", () => {
          clearTimeout(kill);
          res();
        });
        child.kill("SIGTERM");
      }),
  };
}
