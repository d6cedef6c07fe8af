/**
 * Starting and stopping as an operator meets it: one gateway per data directory (a second start says so in one
 * line), a port in use is one line and leaves no redis-server behind, and a gateway killed with SIGKILL leaves an
 * orphaned redis-server that the next start on the same data directory stops before starting its own.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { processAlive } from "../../gateway/embedded/data-dir-lock.ts";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { startGateway, type RunningProcess } from "../helpers/processes.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const running: RunningProcess[] = [];

afterAll(async () => {
  for (const p of running) await p.stop();
});

/** Runs a gateway expected to refuse to start: its exit code and output. */
function failedStart(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => {
    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "gateway/main.ts")], {
      cwd: ROOT,
      env: { ...(process.env as Record<string, string>), PORTCULLIS_LOG_LEVEL: "info", ...env },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const kill = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => {
      clearTimeout(kill);
      res({ code, out });
    });
  });
}

const pidIn = (file: string): number => Number(readFileSync(file, "utf8").trim());

describe("start and stop", () => {
  const data = join(mkdtempSync(join(tmpdir(), "portcullis-start-")), "var");

  it("refuses a second gateway on the same data directory, and a port in use, in one line each", async () => {
    const first = await startGateway({ env: { PORTCULLIS_DATA_DIR: data } });
    running.push(first);
    const owner = pidIn(join(data, "portcullis.lock"));

    const again = await failedStart({ PORT: String(await freePort()), PORTCULLIS_DATA_DIR: data });
    expect(again.code).toBe(1);
    expect(again.out.trim()).toBe(
      `portcullis: data directory ${data} is in use by another portcullis (pid ${owner})`,
    );

    const other = join(mkdtempSync(join(tmpdir(), "portcullis-start-")), "var");
    const port = new URL(first.url).port;
    const clash = await failedStart({ PORT: port, PORTCULLIS_DATA_DIR: other });
    expect(clash.code).toBe(1);
    expect(clash.out).toContain(`portcullis: port ${port} on 127.0.0.1 is already in use`);
    expect(clash.out).not.toMatch(/\n\s+at /);
    // Its redis-server was stopped (it removes its pid file) and its lock released.
    expect(existsSync(join(other, "redis", "redis.pid"))).toBe(false);
    expect(existsSync(join(other, "portcullis.lock"))).toBe(false);
  });

  it("after a SIGKILL, the next start on the data directory stops the orphaned redis-server and serves", async () => {
    const first = running[0];
    if (!first) throw new Error("the first test starts the gateway");
    const gatewayPid = pidIn(join(data, "portcullis.lock"));
    const orphan = pidIn(join(data, "redis", "redis.pid"));
    process.kill(gatewayPid, "SIGKILL");
    await first.stop();
    expect(processAlive(orphan)).toBe(true);

    const next = await startGateway({ env: { PORTCULLIS_DATA_DIR: data } });
    running.push(next);
    expect(processAlive(orphan)).toBe(false);
    expect(next.output()).toContain("stopped a redis-server left running by a previous gateway");
    const res = await fetch(`${next.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer demo", "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o",
        messages: [{ role: "user", content: "How do I bake sourdough?" }],
      }),
    });
    expect(res.status).toBe(200);
  });

  it("SIGTERM to the npm process alone stops the gateway and its redis-server", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "portcullis-start-")), "var");
    const npm = spawn("npm", ["start", "--silent"], {
      cwd: ROOT,
      env: {
        ...(process.env as Record<string, string>),
        PORT: String(await freePort()),
        PORTCULLIS_DATA_DIR: dir,
      },
    });
    let out = "";
    npm.stdout.on("data", (d: Buffer) => (out += d.toString()));
    npm.stderr.on("data", (d: Buffer) => (out += d.toString()));
    await until(
      () => out.includes('"msg":"listening"'),
      45_000,
      () => out,
    );
    const gateway = pidIn(join(dir, "portcullis.lock"));
    const redis = pidIn(join(dir, "redis", "redis.pid"));
    npm.kill("SIGTERM");
    await until(
      () => !processAlive(gateway) && !processAlive(redis),
      15_000,
      () => out,
    );
  });
});

async function until(ok: () => boolean, ms: number, out: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out:\n${out().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
