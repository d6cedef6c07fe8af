/**
 * Runs `workers/main.ts` as a child of the gateway (what `npm start` does unless `--no-workers`), sharing the
 * gateway's Redis through the environment. The child's pino lines pass through to the gateway's stdout.
 *
 * The child runs the way the gateway runs (`entryPointCommand`): `dist/workers/main.js` with plain node when the
 * gateway is the compiled build, or node itself with tsx's loader when it runs from source (tests). It has an IPC
 * channel: the worker process exits when that channel closes, so a gateway that dies without its shutdown hook
 * (SIGKILL, OOM) does not leave an orphaned worker holding the metrics port and consuming queues.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Logger } from "pino";
import { entryPointCommand, PROJECT_ROOT } from "../fs/project-root.ts";

export interface WorkerChild {
  stop(): Promise<void>;
}

export interface WorkerChildOptions {
  /** Environment for the child (must carry REDIS_URL, with the password when Redis requires one). */
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Project root (where `workers/`, `dist/` and `node_modules/` live). @defaultValue `PROJECT_ROOT` */
  root?: string;
}

/** Spawns the worker process. It is not restarted if it dies (a supervisor's job); the exit is logged. */
export function startWorkerChild(o: WorkerChildOptions): WorkerChild {
  const root = o.root ?? PROJECT_ROOT;
  const child: ChildProcess = spawn(process.execPath, entryPointCommand("workers/main.ts", root).args, {
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
