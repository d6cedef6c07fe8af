/**
 * The local incident spool: an append-only JSONL file, fsync'd per batch, so a flag survives a crash even when the
 * queue is down. The BullMQ producer (incident issue) spools here on enqueue failure and drains it on recovery.
 */
import { mkdirSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { incidentEventSchema, type IncidentEvent, type IncidentProducer } from "../../contracts/incident.ts";

export interface Spool {
  append(event: IncidentEvent): Promise<void>;
  /** Events currently in the file (read back and validated). */
  readAll(): Promise<IncidentEvent[]>;
  /** Lines appended since start (approximate depth for the gauge). */
  depth(): number;
  close(): Promise<void>;
}

/** Opens (creating) a spool file. Appends are serialised and each batch is fsync'd before its promises resolve. */
export function createSpool(path: string): Spool {
  mkdirSync(dirname(path), { recursive: true });
  let handle: Promise<FileHandle> | undefined;
  let tail: Promise<void> = Promise.resolve();
  let appended = 0;
  const fh = (): Promise<FileHandle> => (handle ??= open(path, "a"));
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
      const f = await open(path, "a+");
      try {
        const text = await f.readFile("utf8");
        return text
          .split("\n")
          .filter((l) => l.trim().length > 0)
          .flatMap((l) => {
            const r = incidentEventSchema.safeParse(JSON.parse(l));
            return r.success ? [r.data] : [];
          });
      } finally {
        await f.close();
      }
    },
    depth: () => appended,
    async close() {
      await tail;
      if (handle) await (await handle).close();
      handle = undefined;
    },
  };
}

/** A producer that only spools (used when no Redis is configured). Never rejects; failures are logged by `onError`. */
export function createSpoolProducer(spool: Spool, onError: (e: unknown) => void): IncidentProducer {
  return {
    async publish(event) {
      try {
        await spool.append(event);
      } catch (e: unknown) {
        onError(e);
      }
    },
    close: () => spool.close(),
  };
}
