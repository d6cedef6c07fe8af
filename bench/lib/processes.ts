/**
 * The benchmark's processes: each service runs as its own `node --import tsx` process (not through the `tsx` CLI,
 * which would put a second process between us and the one whose memory we measure).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

/** A service under test. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** Script path relative to the repository root. */
  script: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** How the URL is learnt: a `{"url":...}` line on stdout, or a fixed URL whose `/readyz` answers 200. */
  ready: { kind: "url-line" } | { kind: "readyz"; url: string };
  /** @defaultValue 60000 */
  timeoutMs?: number;
}

const URL_LINE = /"url":"(http:[^"]+)"/;

async function pollReady(url: string, alive: () => boolean, deadline: number): Promise<void> {
  while (Date.now() < deadline && alive()) {
    try {
      const res = await fetch(`${url}/readyz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("not ready in time");
}

function waitUrlLine(child: ChildProcess, out: () => string, deadline: number): Promise<string> {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error("no url line in time")), deadline - Date.now());
    const onData = (): void => {
      const m = URL_LINE.exec(out());
      if (!m?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      res(m[1]);
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`exited with ${code}`));
    });
  });
}

/** Spawns a service and resolves once it is ready. */
export async function spawnService(opts: SpawnOptions): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    [...(opts.nodeFlags ?? []), "--import", "tsx", join(ROOT, opts.script), ...(opts.args ?? [])],
    { cwd: ROOT, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let buf = "";
  const keep = (d: Buffer): void => {
    buf = (buf + d.toString()).slice(-200_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const out = (): string => buf;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let url: string;
  try {
    if (opts.ready.kind === "url-line") url = await waitUrlLine(child, out, deadline);
    else {
      await pollReady(opts.ready.url, () => child.exitCode === null, deadline);
      url = opts.ready.url;
    }
  } catch (e: unknown) {
    child.kill("SIGKILL");
    throw new Error(`${opts.name} did not start (${String(e)}):\n${out().slice(-3000)}`);
  }
  return { name: opts.name, url, child, output: out, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(kill);
      res();
    });
    child.kill("SIGTERM");
  });
}

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pid and its node descendants (cluster workers); other children such as redis-server are left out. */
export function nodeTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i] ?? pid;
    let kids: string[] = [];
    try {
      kids = readdirSync(`/proc/${p}/task`).flatMap((t) =>
        readFileSync(`/proc/${p}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean),
      );
    } catch {
      continue;
    }
    for (const k of kids.map(Number)) {
      let comm = "";
      try {
        comm = readFileSync(`/proc/${k}/comm`, "utf8").trim();
      } catch {
        continue;
      }
      if (comm === "node" || comm.startsWith("node")) out.push(k);
    }
  }
  return out;
}

/** Samples the resident memory of a process tree; `peakMb()` is the highest sum seen and the kernel's high-water mark. */
export function createRssSampler(pid: number, everyMs = 200) {
  let peakSumKb = 0;
  let hwmKb = 0;
  const sample = (): void => {
    const pids = nodeTree(pid);
    peakSumKb = Math.max(
      peakSumKb,
      pids.reduce((s, p) => s + statusKb(p, "VmRSS"), 0),
    );
    hwmKb = Math.max(
      hwmKb,
      pids.reduce((s, p) => s + statusKb(p, "VmHWM"), 0),
    );
  };
  const timer = setInterval(sample, everyMs);
  timer.unref();
  sample();
  return {
    /** Peak RSS in MB: the larger of the sampled sum and the sum of per-process high-water marks. */
    peakMb(): number {
      sample();
      return Math.round(Math.max(peakSumKb, hwmKb) / 102.4) / 10;
    },
    stop: () => clearInterval(timer),
  };
}
