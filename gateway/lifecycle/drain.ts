/**
 * How a gateway process stops: on SIGTERM/SIGINT (or npm going away) it turns not ready, stops accepting, lets the
 * requests in flight finish for `server.drainSeconds`, then fails the upstream requests still open so every client
 * gets a well-formed end, and finally runs the shutdown hooks (contracts/shutdown.ts) the composition root added.
 */
import type { ServerType } from "@hono/node-server";
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import type { ShutdownHooks } from "../../contracts/shutdown.ts";
import { processAlive } from "../embedded/data-dir-lock.ts";
import type { Deps } from "../env.ts";

/**
 * After the drain deadline, the time the requests it cut get to write their end: a stream's guard screens what it
 * holds one last time and ends it with an error event in the dialect; a request still waiting on its upstream
 * answers 502. Past it the connections still open are dropped, the shutdown hooks run, and the process exits 1.
 */
export const CUT_GRACE_MS = 3_000;
/**
 * The shutdown hooks' bound once the server has closed: stopping the worker child (SIGKILLed after 8 s if its jobs
 * do not finish), the incident producer's last spool drain, Redis, the pools.
 */
export const STOP_MS = 12_000;

/** The drain deadline: fails every upstream request still in flight, so each client gets a well-formed end. */
function cutInFlight(deps: Deps, logger: Logger): void {
  logger.warn(
    { drainSeconds: deps.config.server.drainSeconds },
    "drain deadline passed: ending the requests still in flight",
  );
  const reason = new Error("the gateway is shutting down (drain deadline passed)");
  for (const u of deps.upstreams.values()) {
    u.destroy(reason).catch((e: unknown) =>
      logger.debug({ err: e, upstream: u.name }, "upstream destroy failed"),
    );
  }
}

function closeIdle(server: ServerType): void {
  if ("closeIdleConnections" in server) server.closeIdleConnections();
}

export interface DrainOptions {
  server: ServerType;
  deps: Deps;
  /** Turns `/readyz` to 503 (the load balancer stops sending) as the drain begins. */
  setReady(ready: boolean): void;
  hooks: ShutdownHooks;
  logger: Logger;
}

/** The shutdown function for signals and `watchNpmParent`: drains, cuts at the deadline, runs the hooks, exits. */
export function createDrain(o: DrainOptions): (signal: string) => void {
  const { logger } = o;
  let stopping = false;
  return (signal: string): void => {
    if (stopping) return;
    stopping = true;
    o.setReady(false);
    const drainMs = o.deps.config.server.drainSeconds * 1000;
    logger.info({ signal, drainSeconds: o.deps.config.server.drainSeconds }, "shutting down");
    const cut = setTimeout(() => cutInFlight(o.deps, logger), drainMs);
    // Past the cut's grace: drop whatever connection is left and still run the hooks (the producer's last spool
    // drain, the worker child, Redis), then exit 1.
    const force = setTimeout(() => {
      if ("closeAllConnections" in o.server) o.server.closeAllConnections();
      void o.hooks.run().finally(() => process.exit(1));
    }, drainMs + CUT_GRACE_MS);
    // A keep-alive connection whose last response ended during the drain is idle: close it then, instead of
    // waiting for the client to.
    const idle = setInterval(() => closeIdle(o.server), 200);
    for (const t of [cut, force, idle]) t.unref();
    o.server.close(() => {
      clearTimeout(cut);
      clearTimeout(force);
      clearInterval(idle);
      void o.hooks.run().then((finished) => {
        logger.info(finished ? "stopped" : "stopped with steps unfinished");
        process.exit(finished ? 0 : 1);
      });
    });
    closeIdle(o.server);
  };
}

/**
 * Under `npm start` the gateway is npm's grandchild (npm -> sh [-> tsx]): when npm alone is stopped (SIGTERM to its
 * pid), nothing forwards the signal. Find npm among the ancestors (Linux `/proc`) and shut down like on SIGTERM when
 * it goes away. Not done outside npm, where a detached start (`nohup node ... &`) legitimately outlives its shell.
 */
export function watchNpmParent(env: NodeJS.ProcessEnv, shutdown: (why: string) => void): void {
  if (env.npm_lifecycle_event === undefined) return;
  const npm = npmAncestor();
  if (npm === undefined) return;
  const timer = setInterval(() => {
    if (!processAlive(npm)) shutdown("npm exited");
  }, 1_000);
  timer.unref();
}

/** The pid of the nearest ancestor running npm, from `/proc` (undefined elsewhere or when none is found). */
function npmAncestor(): number | undefined {
  let pid = process.ppid;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    try {
      if (/\bnpm(-cli\.js)?\b/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"))) return pid;
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ")".
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
