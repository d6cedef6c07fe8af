/**
 * `npm start` with no config on a public host (the image sets HOST=0.0.0.0): the gateway refuses to start with a
 * clear message instead of serving the public demo key and admin tokens, unless PORTCULLIS_DEMO_PUBLIC=1.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { startGateway } from "../helpers/processes.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/** Runs `gateway/main.ts` with no config and `env`; resolves with its exit code and output (or kills it at 40 s). */
async function runGateway(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-demo-bind-"));
  const { PORTCULLIS_CONFIG: _config, ...inherited } = process.env;
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "gateway/main.ts"), "--no-workers"], {
    cwd: ROOT,
    env: { ...inherited, PORT: String(await freePort()), PORTCULLIS_DATA_DIR: join(dir, "var"), ...env },
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const kill = setTimeout(() => child.kill("SIGKILL"), 40_000);
  const code = await new Promise<number | null>((res) => child.once("exit", res));
  clearTimeout(kill);
  rmSync(dir, { recursive: true, force: true });
  return { code, out };
}

describe("embedded default on a public host", () => {
  it("refuses to start on HOST=0.0.0.0 and says why and what to do", async () => {
    const { code, out } = await runGateway({ HOST: "0.0.0.0" });
    expect(code).toBe(1);
    expect(out).toContain('refusing to serve the embedded demo config on non-loopback host "0.0.0.0"');
    expect(out).toContain("PORTCULLIS_DEMO_PUBLIC=1");
    expect(out).not.toContain('"msg":"listening"');
  });

  it("starts there when explicitly asked with PORTCULLIS_DEMO_PUBLIC=1", async () => {
    const gateway = await startGateway({
      env: { HOST: "0.0.0.0", PORTCULLIS_DEMO_PUBLIC: "1" },
      args: ["--no-workers"],
    });
    try {
      const port = new URL(gateway.url).port;
      expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  });
});
