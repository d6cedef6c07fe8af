/**
 * Vitest global setup: one private `redis-server` on a free port for the whole run (tests isolate themselves with
 * unique key prefixes). Its URL reaches tests through `inject("redisUrl")`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { redisServerAvailable, startRedisChild } from "../../gateway/embedded/redis-child.ts";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!redisServerAvailable()) {
    throw new Error(
      "redis-server is not installed: the tests need a real Redis (apt-get install -y redis-server)",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "portcullis-test-redis-"));
  const redis = await startRedisChild({ dataDir: dir, persist: false });
  project.provide("redisUrl", redis.url);
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
