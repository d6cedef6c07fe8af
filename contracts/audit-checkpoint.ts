/**
 * Checkpoints of the audit log's head, kept outside Redis: after every append the appending process adds one line
 * `{"count":N,"mac":"..."}` (plus time, host and pid) to an append-only file (mode 0600) and fsyncs it. Lines are
 * never rewritten, so a log truncated in Redis and then appended to again still contradicts an older line.
 *
 * Several processes on one host (gateway replicas, the worker process) share one file: each line is a single
 * `O_APPEND` write of well under 4 KiB, which a local filesystem does not interleave. Processes on other hosts keep
 * their own file (or a shared path), and `npm run audit:verify` takes every file.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { z } from "zod";
import type { AuditCheckpoint } from "./audit-chain.ts";

const lineSchema = z.object({ count: z.number().int().nonnegative(), mac: z.string().min(1) });

/** Records heads; one per process, created by its composition root. */
export interface CheckpointWriter {
  readonly path: string;
  /** Appends (and fsyncs) one head: the log now has `count` entries and the newest carries `mac`. */
  record(count: number, mac: string): Promise<void>;
}

/** Creates the writer; creates the directory (0700) and an empty file (0600) now, so verify finds it. */
export function createCheckpointWriter(path: string): CheckpointWriter {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", 0o600));
  const host = hostname();
  return {
    path,
    async record(count, mac) {
      const line = `${JSON.stringify({ count, mac, at: new Date().toISOString(), host, pid: process.pid })}\n`;
      const fh = await open(path, "a", 0o600);
      try {
        await fh.appendFile(line);
        await fh.datasync();
      } finally {
        await fh.close();
      }
    },
  };
}

export interface ReadCheckpoints {
  readonly checkpoints: AuditCheckpoint[];
  /** Lines that are not checkpoints (`file:line: why`). */
  readonly invalid: string[];
}

/**
 * Reads one checkpoint file. A last line without its newline (a write cut short by a crash) is skipped; any other
 * line that is not a checkpoint is reported. Throws when the file does not exist.
 */
export function readCheckpoints(file: string): ReadCheckpoints {
  if (!existsSync(file)) throw new Error(`checkpoint file ${file} does not exist`);
  // Whether the text ends with a newline or with a torn line, the last piece is not a complete line.
  const complete = readFileSync(file, "utf8").split("\n").slice(0, -1);
  const checkpoints: AuditCheckpoint[] = [];
  const invalid: string[] = [];
  complete.forEach((raw, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw) as unknown;
    } catch {
      parsed = undefined;
    }
    const r = lineSchema.safeParse(parsed);
    if (r.success) checkpoints.push({ ...r.data, file, line: i + 1 });
    else invalid.push(`${file}:${i + 1}: not a checkpoint`);
  });
  return { checkpoints, invalid };
}
