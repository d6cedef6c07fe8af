/**
 * A private `redis-server` a test can take away without disturbing the shared test Redis: on a loopback port, its
 * data in `dir`, no RDB snapshots and AOF with fsync always, so a server killed with SIGKILL and started again on
 * the same port and dir comes back with every write it acknowledged - as a managed Redis with persistence would.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface RedisServerOptions {
  readonly port: number;
  /** Its working directory: the AOF lives here; start again on the same one to keep the data. */
  readonly dir: string;
  /** More `redis-server` arguments (e.g. the cluster mode's), after the ones above. @defaultValue none */
  readonly args?: readonly string[];
}

/** Starts `redis-server` and resolves with its process once it accepts connections; rejects if it exits first. */
export function startRedisServer(o: RedisServerOptions): Promise<ChildProcess> {
  const args = [
    ...["--port", String(o.port), "--bind", "127.0.0.1", "--dir", o.dir, "--save", ""],
    ...["--appendonly", "yes", "--appendfsync", "always"],
    ...(o.args ?? []),
  ];
  return spawnUntil(args, "Ready to accept connections", `redis-server ${o.port}`);
}

/**
 * Starts `redis-server --sentinel` on a config file it may rewrite (Sentinel saves its state there) and resolves
 * once the sentinel is up.
 */
export function startRedisSentinel(configFile: string): Promise<ChildProcess> {
  return spawnUntil([configFile, "--sentinel"], "Sentinel ID is", "redis-sentinel");
}

function spawnUntil(args: readonly string[], ready: string, what: string): Promise<ChildProcess> {
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((res, rej) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) res(child);
    });
    child.once("exit", (code) => rej(new Error(`${what} exited ${code}: ${out.slice(-400)}`)));
  });
}

/** SIGKILLs a redis-server (a crash: no shutdown save) and resolves once it has exited; at once if it already has. */
export function killRedisServer(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once("exit", () => res());
    child.kill("SIGKILL");
  });
}
