/** The shared shutdown hooks: last added runs first, one at a time, failures reported, bounded, run once. */
import { describe, expect, it } from "vitest";
import { createShutdownHooks } from "../../contracts/shutdown.ts";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("createShutdownHooks", () => {
  it("runs hooks last-added first, each after the previous settled, and keeps going past a failure", async () => {
    const log: string[] = [];
    const errors: string[] = [];
    const hooks = createShutdownHooks({ timeoutMs: 1_000, onError: (name) => errors.push(name) });
    hooks.add("redis-server", () => void log.push("redis-server"));
    hooks.add("connections", async () => {
      await tick(20);
      log.push("connections");
    });
    hooks.add("producer", () => {
      throw new Error("spool close failed");
    });
    hooks.add("server", async () => {
      await tick(10);
      log.push("server");
    });
    expect(await hooks.run()).toBe(true);
    expect(log).toEqual(["server", "connections", "redis-server"]);
    expect(errors).toEqual(["producer"]);
    // A second signal gets the first run's result and runs nothing again.
    expect(await hooks.run()).toBe(true);
    expect(log).toHaveLength(3);
    expect(() => hooks.add("late", () => undefined)).toThrow(/after shutdown began/);
  });

  it("gives up at the deadline and names the step that hung", async () => {
    const timedOut: string[] = [];
    const hooks = createShutdownHooks({
      timeoutMs: 50,
      onError: () => undefined,
      onTimeout: (name) => timedOut.push(name),
    });
    hooks.add("after", () => undefined);
    hooks.add("hangs", () => new Promise(() => undefined));
    const t0 = performance.now();
    expect(await hooks.run()).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(timedOut).toEqual(["hangs"]);
  });
});
