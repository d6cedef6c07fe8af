/** What the results record about where and when they were taken (CONVENTIONS 18: date, commit, machine). */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { ROOT } from "./processes.ts";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memGb: number;
  node: string;
  kernel: string;
}

export interface RunStamp {
  date: string;
  commit: string;
  /** True when the working tree had uncommitted changes. */
  dirty: boolean;
  machine: MachineInfo;
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "";
  }
}

function kernel(): string {
  try {
    return readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  } catch {
    return process.platform;
  }
}

/** Date, commit and machine of this run. */
export function stamp(): RunStamp {
  const c = cpus();
  return {
    date: new Date().toISOString(),
    commit: git(["rev-parse", "--short", "HEAD"]) || "unknown",
    dirty: git(["status", "--porcelain", "--untracked-files=no"]).length > 0,
    machine: {
      cpu: c[0]?.model.trim() ?? "unknown",
      cores: c.length,
      memGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      kernel: kernel(),
    },
  };
}

/** The 1/5/15-minute load averages, rounded. */
export function load(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

/** User+system CPU seconds of a set of processes (from `/proc/<pid>/stat`). */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // process gone
    }
  }
  return ticks / 100;
}
