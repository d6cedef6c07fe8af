/**
 * The embedded default's own `redis-server` child (data under `<dataDir>/redis`), started only when no `REDIS_URL`
 * is configured and the binary is on PATH.
 *
 * It binds loopback only and requires a password: random, kept in `<dir>/password` (`0600`) so a restart reuses it
 * (operators read it from there to run the CLIs), and handed to redis-server on stdin, never on the command line,
 * where every local user could read it. The returned `url` carries the password; everything that connects (gateway,
 * worker child, cluster workers) gets that URL. The data directory is `0700` and the server runs under umask 077, so
 * its dump and AOF files are `0600`; looser modes left by an older version are tightened at start.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../fs/private-dir.ts";

export interface RedisChild {
  /** `redis://:<password>@127.0.0.1:<port>`: a secret, never log it. */
  readonly url: string;
  /** The TCP port on 127.0.0.1 (safe to log). */
  readonly port: number;
  stop(): Promise<void>;
}

/** The pid file of a redis data directory's server (written by redis-server, read to reap an orphan). */
export function redisPidFile(dataDir: string): string {
  return join(resolve(dataDir), "redis.pid");
}

/** The password file of a redis data directory. */
export function redisPasswordFile(dataDir: string): string {
  return join(resolve(dataDir), "password");
}

const PASSWORD = /^[0-9a-f]{64}$/;

/** Reads the data directory's password, or creates one (256 random bits, hex) in a new `0600` file. */
function dataDirPassword(dir: string): string {
  const file = redisPasswordFile(dir);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (PASSWORD.test(existing)) return existing;
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const password = randomBytes(32).toString("hex");
  writeFileSync(file, `${password}\n`, { mode: PRIVATE_FILE_MODE });
  return password;
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

/**
 * Starts `redis-server` on loopback with a password and resolves once it accepts connections. The command line
 * carries no secret: the password goes in on stdin (`redis-server -` reads its config there), and `sh` sets the
 * umask before it execs the server (node cannot set a child's umask).
 */
export async function startRedisChild(opts: StartRedisOptions): Promise<RedisChild> {
  const port = opts.port ?? (await freePort());
  const dir = resolve(opts.dataDir);
  ensurePrivateDir(dir);
  const password = dataDirPassword(dir);
  const persist = opts.persist ?? true;
  const args = [
    "-",
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--pidfile",
    redisPidFile(dir),
    "--save",
    persist ? "60 1" : "",
  ];
  args.push("--appendonly", persist ? "yes" : "no", "--protected-mode", "yes");
  const child = spawn("sh", ["-c", 'umask 077 && exec "$0" "$@"', opts.binary ?? "redis-server", ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  // A server that exits at once closes its stdin; that exit is what `waitForReady` reports.
  child.stdin.on("error", () => undefined);
  child.stdin.end(`requirepass ${password}\n`);
  await waitForReady(child, port);
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once("exit", () => res());
        child.kill("SIGTERM");
      }),
  };
}
