/**
 * Directories only the gateway's user may read: the incident spool (which holds incident events while Redis is
 * away) and the embedded redis-server's data (dump, AOF, password). Created `0700`; a directory left by an older
 * version with looser modes is tightened at start, contents included (files lose every group and other bit).
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Mode for files in a private directory. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode for a private directory. */
export const PRIVATE_DIR_MODE = 0o700;

function tighten(path: string): void {
  const st = lstatSync(path);
  // A link is never followed: chmod would change its target, which may be anything.
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    chmodSync(path, PRIVATE_DIR_MODE);
    for (const name of readdirSync(path)) tighten(join(path, name));
    return;
  }
  if ((st.mode & 0o077) !== 0) chmodSync(path, st.mode & 0o700);
}

/**
 * Creates `dir` (and missing parents) and makes it and everything under it private to this user: directories
 * `0700`, files without group or other permissions. Synchronous: it runs once at start, before anything is written.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir);
}
