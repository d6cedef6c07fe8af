/**
 * The embedded default's own `redis-server` child (data under `<dataDir>/redis`), started only when no `REDIS_URL`
 * is configured and the binary is on PATH.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

export interface RedisChild {
  readonly url: string;
  stop(): Promise<void>;
}

/** True when a `redis-server` binary can be run. */
export function redisServerAvailable(binary = "redis-server"): boolean {
  const r = spawnSync(binary, ["--version"], { stdio: "ignore" });
  return r.status === 0;
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? res(addr.port) : rej(new Error("no port"))));
    });
  });
}

function waitForReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((res, rej) => {
    let out = "";
    const timer = setTimeout(
      () => rej(new Error(`redis-server did not start on port ${port}: ${out.slice(-500)}`)),
      10_000,
    );
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Ready to accept connections")) {
        clearTimeout(timer);
        res();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`redis-server exited with code ${code}: ${out.slice(-500)}`));
    });
  });
}

export interface StartRedisOptions {
  dataDir: string;
  port?: number;
  binary?: string;
  /** Persist to disk (AOF). The test harness turns it off. @defaultValue true */
  persist?: boolean;
}

/** Starts `redis-server` on loopback and resolves once it accepts connections. */
export async function startRedisChild(opts: StartRedisOptions): Promise<RedisChild> {
  const port = opts.port ?? (await freePort());
  const dir = resolve(opts.dataDir);
  mkdirSync(dir, { recursive: true });
  const persist = opts.persist ?? true;
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", persist ? "60 1" : ""];
  args.push("--appendonly", persist ? "yes" : "no", "--protected-mode", "yes");
  const child = spawn(opts.binary ?? "redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  await waitForReady(child, port);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once("exit", () => res());
        child.kill("SIGTERM");
      }),
  };
}
