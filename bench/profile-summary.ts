/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and by package/area, so a short
 * text summary can be kept next to the results instead of the multi-megabyte profile.
 *
 * Usage: `tsx bench/profile-summary.ts FILE.cpuprofile [--top 30]`
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Groups a script URL into an area: a package name, a repository directory, or a V8/node category. */
export function areaOf(url: string, fn: string): string {
  if (url === "") return fn.startsWith("(") ? fn : "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm !== -1) {
    const rest = url.slice(nm + 13).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1] ?? ""}` : (rest[0] ?? url);
  }
  if (url.startsWith("node:")) return url;
  const m = /\/(gateway|classifiers|bench|contracts|workers)\/(.*)$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

/** Self time (ms) per key. */
function tally(p: Profile, key: (n: ProfileNode) => string): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    if (!n) return;
    const k = key(n);
    out.set(k, (out.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

/** Inclusive time (ms) per key: each sample counts once for every distinct key on its stack. */
function inclusive(p: Profile, key: (n: ProfileNode) => string): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (n) seen.add(key(n));
    }
    for (const k of seen) out.set(k, (out.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

function table(title: string, m: Map<string, number>, total: number, top: number): string {
  const rows = [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = rows.map(
    ([k, ms]) => `${((ms / total) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${k}`,
  );
  return `## ${title}\n${lines.join("\n")}\n`;
}

function main(): void {
  const { values, positionals } = parseArgs({
    options: { top: { type: "string", default: "30" } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write("usage: tsx bench/profile-summary.ts FILE.cpuprofile [--top N]\n");
    process.exit(2);
  }
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const top = Number(values.top);
  const total = p.timeDeltas.reduce((s, d) => s + d, 0) / 1000;
  const idle = tally(p, (n) => n.callFrame.functionName).get("(idle)") ?? 0;
  const busy = total - idle;
  const byArea = tally(p, (n) => areaOf(n.callFrame.url, n.callFrame.functionName));
  byArea.delete("(idle)");
  const byFn = tally(
    p,
    (n) =>
      `${n.callFrame.functionName || "(anonymous)"} ${areaOf(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`,
  );
  byFn.delete("(idle) (idle):0");
  const fnKey = (n: ProfileNode): string =>
    `${n.callFrame.functionName || "(anonymous)"} ${areaOf(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`;
  const incl = inclusive(p, fnKey);
  for (const k of [
    "(root) (root):0",
    "(idle) (idle):0",
    "(program) (program):0",
    "(garbage collector) (garbage collector):0",
  ])
    incl.delete(k);
  process.stdout.write(
    `# ${file}\nsampled ${total.toFixed(0)} ms, busy ${busy.toFixed(0)} ms (percentages of busy time)\n\n`,
  );
  process.stdout.write(
    table("self time by area", byArea, busy, top) +
      "\n" +
      table("self time by function", byFn, busy, top) +
      "\n" +
      table("inclusive time by function", incl, busy, top),
  );
}

main();
