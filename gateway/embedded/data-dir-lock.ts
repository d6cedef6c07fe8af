/**
 * One gateway per data directory. The lock file holds the owner's pid; a lock whose process is gone is stale and
 * taken over (after a crash or `kill -9`), together with what that owner left running there (its redis-server:
 * see `reapOrphan`). Released when the process exits.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The pid a pid file holds (a positive integer; surrounding whitespace allowed), or `undefined` when the file is
 * missing, unreadable or holds no pid.
 */
export function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes `<dir>/portcullis.lock` for this process, or throws `DataDirLockedError` naming the live owner.
 * @returns a release function (also run on process exit).
 */
export function lockDataDir(dir: string): () => void {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const file = join(root, "portcullis.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      const release = (): void => {
        if (readPid(file) === process.pid) rmSync(file, { force: true });
      };
      process.once("exit", release);
      return release;
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = readPid(file);
      if (owner !== undefined && owner !== process.pid && processAlive(owner)) {
        throw new DataDirLockedError(`data directory ${root} is in use by another portcullis (pid ${owner})`);
      }
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new DataDirLockedError(`data directory ${root} is being locked by another process at the same time`);
}

/**
 * Stops a process a previous owner of the data directory left behind (its pid in `pidFile`), when it is still
 * running `command`: the embedded redis-server of a gateway that was killed. Waits up to `timeoutMs` for it to go.
 */
export async function reapOrphan(pidFile: string, command: string, timeoutMs = 5_000): Promise<boolean> {
  const pid = readPid(pidFile);
  if (pid === undefined || !processAlive(pid)) return false;
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return false; // not Linux, or gone: leave it alone
  }
  if (!cmdline.includes(command)) return false;
  process.kill(pid, "SIGTERM");
  const until = Date.now() + timeoutMs;
  while (processAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  if (processAlive(pid)) process.kill(pid, "SIGKILL");
  return true;
}
