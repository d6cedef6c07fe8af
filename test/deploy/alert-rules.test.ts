/**
 * The Prometheus alert rules load: `promtool check rules` (syntax, PromQL, templates of annotations) passes on
 * `deploy/prometheus/alerts.yml`. `.ci/run` installs promtool; without it this test is skipped, saying so.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ALERTS } from "../helpers/dashboard-queries.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const promtool = spawnSync("promtool", ["--version"], { encoding: "utf8" });
const missing = promtool.error !== undefined;

describe(`${ALERTS} under promtool`, () => {
  it.skipIf(missing)(
    missing
      ? "SKIPPED: promtool is not installed (apt-get install prometheus, or run .ci/run)"
      : "passes `promtool check rules`",
    () => {
      const r = spawnSync("promtool", ["check", "rules", ALERTS], { cwd: ROOT, encoding: "utf8" });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/SUCCESS: \d+ rules found/);
    },
  );
});
