/** The gateway's command line: `--help`, a bad option as a one-line error, and `.env` loading. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDotEnv } from "../../config/cli.ts";

const run = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "gateway/main.ts", ...args], { encoding: "utf8" });

describe("gateway command line", () => {
  it("--help prints usage and exits 0 without starting anything", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("usage: npm start");
    expect(r.stdout).toContain("--no-workers");
  });

  it("an unknown option is a one-line error with the usage, exit 2, no stack trace", () => {
    const r = run("--bogus");
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("portcullis: Unknown option '--bogus'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("loads .env without overriding variables already set", () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-env-"));
    const path = join(dir, ".env");
    writeFileSync(path, "PORTCULLIS_TEST_FROM_FILE=file\nPORTCULLIS_TEST_SET=file\n");
    process.env.PORTCULLIS_TEST_SET = "env";
    try {
      expect(loadDotEnv(path)).toBe(true);
      expect(process.env.PORTCULLIS_TEST_FROM_FILE).toBe("file");
      expect(process.env.PORTCULLIS_TEST_SET).toBe("env");
      expect(loadDotEnv(join(dir, "missing.env"))).toBe(false);
    } finally {
      delete process.env.PORTCULLIS_TEST_FROM_FILE;
      delete process.env.PORTCULLIS_TEST_SET;
    }
  });
});
