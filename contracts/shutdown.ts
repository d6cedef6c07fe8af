/**
 * Shutdown as an ordered list of named hooks, shared by both entry points (`gateway/main.ts`, `workers/main.ts`).
 * The composition root adds a hook right after it builds each thing; hooks run last-added first (like `defer`), so
 * whatever uses a resource is stopped before the resource: the incident producer before its Redis connections,
 * those before the redis-server child. Hooks run one after another; one that throws is reported and the rest still
 * run; the whole run is bounded, and past its deadline `run()` resolves false so the caller can exit non-zero
 * instead of hanging on a connection that never closes.
 */

export interface ShutdownHooks {
  /** Adds a hook; it runs before every hook added earlier (last added, first run). */
  add(name: string, hook: () => Promise<unknown> | void): void;
  /** Runs the hooks once (later calls return the first run's result): true when all settled before the deadline. */
  run(): Promise<boolean>;
}

export interface ShutdownOptions {
  /** Bound on the whole run. */
  timeoutMs: number;
  /** A hook that threw or rejected. */
  onError: (name: string, error: unknown) => void;
  /** The deadline passed while `name` was still running. */
  onTimeout?: (name: string) => void;
}

export function createShutdownHooks(o: ShutdownOptions): ShutdownHooks {
  const hooks: { name: string; hook: () => Promise<unknown> | void }[] = [];
  let running: Promise<boolean> | undefined;

  async function runAll(): Promise<boolean> {
    let current = "";
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((res) => {
      timer = setTimeout(() => {
        o.onTimeout?.(current);
        res(false);
      }, o.timeoutMs);
      timer.unref();
    });
    const sequence = (async (): Promise<true> => {
      for (const { name, hook } of [...hooks].reverse()) {
        current = name;
        try {
          await hook();
        } catch (e: unknown) {
          o.onError(name, e);
        }
      }
      return true;
    })();
    try {
      return await Promise.race([sequence, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    add(name, hook) {
      if (running) throw new Error(`shutdown hook "${name}" added after shutdown began`);
      hooks.push({ name, hook });
    },
    run() {
      running ??= runAll();
      return running;
    },
  };
}
