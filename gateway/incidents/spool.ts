/**
 * The local incident spool: an append-only JSONL file, fsync'd per batch, so a flag survives a crash even when the
 * queue is down. The BullMQ producer (incident issue) spools here on enqueue failure and drains it on recovery.
 * The directory is `0700` and its files `0600` (tightened at start when an older version left them looser), and
 * only redacted events are written to it.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { open, rename, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { incidentEventSchema, type IncidentEvent, type IncidentProducer } from "../../contracts/incident.ts";
import type { EventRedactor } from "../../contracts/redact.ts";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../fs/private-dir.ts";

export interface Spool {
  append(event: IncidentEvent): Promise<void>;
  /** Events currently in the file (read back and validated). */
  readAll(): Promise<IncidentEvent[]>;
  /** Lines appended since start (approximate depth for the gauge). */
  depth(): number;
  /**
   * Moves everything appended so far to a new `<path>.<n>.draining` file (appends continue into a fresh spool) and
   * returns every draining file, including leftovers of earlier runs, oldest first.
   */
  takeBatches(): Promise<string[]>;
  close(): Promise<void>;
}

function drainingFiles(path: string): string[] {
  const dir = dirname(path);
  const base = basename(path);
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(\\d+)\\.draining$`);
  return readdirSync(dir)
    .flatMap((f) => {
      const m = pattern.exec(f);
      return m?.[1] ? [{ f, n: Number(m[1]) }] : [];
    })
    .sort((a, b) => a.n - b.n)
    .map(({ f }) => join(dir, f));
}

/** Reads a spool (or draining) file back as validated events; unreadable lines are skipped. */
export async function readSpoolFile(path: string): Promise<IncidentEvent[]> {
  const f = await open(path, "a+", PRIVATE_FILE_MODE);
  try {
    const text = await f.readFile("utf8");
    return text
      .split("\n")
      .filter((l) => l.trim().length > 0)
      .flatMap((l) => {
        try {
          const r = incidentEventSchema.safeParse(JSON.parse(l));
          return r.success ? [r.data] : [];
        } catch {
          // A torn last line from a crash mid-append: the event was never acknowledged as spooled.
          return [];
        }
      });
  } finally {
    await f.close();
  }
}

/**
 * Opens (creating) a spool file in a private directory (`0700`, files `0600`). Appends are serialised and each batch
 * is fsync'd before its promises resolve.
 */
export function createSpool(path: string): Spool {
  ensurePrivateDir(dirname(path));
  let handle: Promise<FileHandle> | undefined;
  let tail: Promise<void> = Promise.resolve();
  let appended = 0;
  let seq = 0;
  const fh = (): Promise<FileHandle> => (handle ??= open(path, "a", PRIVATE_FILE_MODE));
  return {
    append(event) {
      const line = `${JSON.stringify(event)}\n`;
      const next = tail.then(async () => {
        const f = await fh();
        await f.appendFile(line, "utf8");
        await f.sync();
        appended++;
      });
      // One failed write must not poison every later append.
      tail = next.catch(() => undefined);
      return next;
    },
    async readAll() {
      await tail;
      return readSpoolFile(path);
    },
    depth: () => appended,
    takeBatches() {
      const next = tail.then(async () => {
        if (appended > 0 || (existsSync(path) && statSync(path).size > 0)) {
          if (handle) await (await handle).close();
          handle = undefined;
          await rename(path, `${path}.${Date.now()}${String(seq++).padStart(4, "0")}.draining`);
          appended = 0;
        }
        return drainingFiles(path);
      });
      tail = next.then(
        () => undefined,
        () => undefined,
      );
      return next;
    },
    async close() {
      await tail;
      if (handle) await (await handle).close();
      handle = undefined;
    },
  };
}

/**
 * A producer that only spools (used when no Redis is configured), redacting each event first. Never rejects;
 * failures are logged by `onError`.
 */
export function createSpoolProducer(
  spool: Spool,
  onError: (e: unknown) => void,
  redact: EventRedactor,
): IncidentProducer {
  return {
    async publish(event) {
      try {
        await spool.append(redact(event));
      } catch (e: unknown) {
        onError(e);
      }
    },
    close: () => spool.close(),
  };
}
