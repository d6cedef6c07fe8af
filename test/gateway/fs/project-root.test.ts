/**
 * Under tsx (and vitest) the code runs from source: the project root is the checkout and a child entry point runs
 * through tsx's loader. The compiled side (`dist/`) is covered by test/integration/compiled-build.test.ts.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { entryPointCommand, PROJECT_ROOT, RUNS_COMPILED } from "../../../gateway/fs/project-root.ts";

describe("project root", () => {
  it("is the checkout when running from source", () => {
    expect(RUNS_COMPILED).toBe(false);
    expect(PROJECT_ROOT).toBe(resolve(import.meta.dirname, "../../.."));
    expect(existsSync(join(PROJECT_ROOT, "models/prompt/manifest.json"))).toBe(true);
  });

  it("starts a child entry point from source with tsx's loader", () => {
    expect(entryPointCommand("workers/main.ts").args).toEqual([
      "--import",
      "tsx",
      join(PROJECT_ROOT, "workers/main.ts"),
    ]);
    expect(entryPointCommand("workers/main.ts", "/srv/app").args).toEqual([
      "--import",
      "tsx",
      "/srv/app/workers/main.ts",
    ]);
  });
});
