/**
 * The audit key (the secret every audit entry's MAC is keyed by) and where the head checkpoints go. The key never
 * enters Redis and is never logged. Sources, first found: `PORTCULLIS_AUDIT_KEY` (the key itself), the configured
 * key file (`audit.keyFile` / `PORTCULLIS_AUDIT_KEY_FILE`), or `<dataDir>/audit/key`, which an appending process
 * generates (32 random bytes as hex, mode 0600) when it is missing. `npm run audit:verify` never generates one.
 */
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCheckpointWriter, type CheckpointWriter } from "./audit-checkpoint.ts";

/** Shortest accepted key. */
export const MIN_AUDIT_KEY_CHARS = 32;

/** Where the key and this process's checkpoints are, with the defaults under the data directory applied. */
export interface AuditPaths {
  readonly keyFile: string;
  readonly checkpointFile: string;
  /** True when `keyFile` is the default (and so may be generated). */
  readonly defaultKeyFile: boolean;
}

/** Applies the defaults: `<dataDir>/audit/key` and `<dataDir>/audit/checkpoints.jsonl`. */
export function auditPaths(o: {
  dataDir: string;
  keyFile?: string | undefined;
  checkpointFile?: string | undefined;
}): AuditPaths {
  return {
    keyFile: o.keyFile ?? join(o.dataDir, "audit", "key"),
    checkpointFile: o.checkpointFile ?? join(o.dataDir, "audit", "checkpoints.jsonl"),
    defaultKeyFile: o.keyFile === undefined,
  };
}

export interface LoadedAuditKey {
  readonly key: Buffer;
  /** `env`, the file it was read from, or the file this call generated. */
  readonly from: "env" | "file" | "generated";
}

function checked(text: string, what: string): Buffer {
  const key = text.trim();
  if (key.length < MIN_AUDIT_KEY_CHARS) {
    throw new Error(`${what} must hold an audit key of at least ${MIN_AUDIT_KEY_CHARS} characters`);
  }
  return Buffer.from(key, "utf8");
}

/** Creates `path` with a fresh key unless another process got there first (link() is atomic and never replaces). */
function generate(path: string): boolean {
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  try {
    linkSync(tmp, path);
    return true;
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Loads the key. `create`: generate the default key file when it is missing (appending processes only). Throws with
 * a message naming where it looked (never the key) when there is none or it is too short.
 */
export function loadAuditKey(o: {
  envKey?: string | undefined;
  paths: AuditPaths;
  create: boolean;
}): LoadedAuditKey {
  if (o.envKey !== undefined && o.envKey !== "")
    return { key: checked(o.envKey, "PORTCULLIS_AUDIT_KEY"), from: "env" };
  const path = o.paths.keyFile;
  let generated = false;
  if (!existsSync(path)) {
    if (!o.create || !o.paths.defaultKeyFile) {
      throw new Error(`no audit key: set PORTCULLIS_AUDIT_KEY or audit.keyFile (${path} does not exist)`);
    }
    generated = generate(path);
  }
  return {
    key: checked(readFileSync(path, "utf8"), `audit key file ${path}`),
    from: generated ? "generated" : "file",
  };
}

/** What an appending process needs: the key and its checkpoint writer. */
export interface AuditSecrets extends LoadedAuditKey {
  readonly checkpoint: CheckpointWriter;
  readonly keyFile: string;
}

/** For a composition root: loads (or generates) the key and opens the checkpoint file. */
export function openAuditSecrets(
  o: { envKey?: string | undefined } & Parameters<typeof auditPaths>[0],
): AuditSecrets {
  const paths = auditPaths(o);
  const loaded = loadAuditKey({ envKey: o.envKey, paths, create: true });
  return { ...loaded, keyFile: paths.keyFile, checkpoint: createCheckpointWriter(paths.checkpointFile) };
}
