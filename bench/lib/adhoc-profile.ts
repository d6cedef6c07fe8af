/**
 * `tsx bench/lib/adhoc-profile.ts --mode sse|json [--seconds 10] [--dir DIR]`: runs one gateway under `--cpu-prof`
 * against the demo upstream with 50 connections and prints the profile summary (the "profile that shows why").
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chatBody, type Mode } from "./bodies.ts";
import { runLoad } from "./load.ts";
import { cpuSeconds } from "./machine.ts";
import { ROOT } from "./processes.ts";
import { BENCH_KEY, startServices } from "./services.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mode: { type: "string", default: "sse" },
      seconds: { type: "string", default: "10" },
      dir: { type: "string" },
    },
  });
  const mode = values.mode as Mode;
  const dir = values.dir ?? join(ROOT, "var/profiles", `${mode}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const s = await startServices({
    workers: ["1"],
    gatewayNodeFlags: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
  });
  const g = s.gateways.get("gateway");
  if (!g) throw new Error("no gateway");
  const headers = { "content-type": "application/json", authorization: `Bearer ${BENCH_KEY}` };
  const opts = {
    url: g.url,
    path: "/v1/chat/completions",
    headers,
    bodies: [chatBody(mode)],
    connections: 50,
  };
  await runLoad({ ...opts, durationSec: 2 });
  const cpu0 = cpuSeconds([g.child.pid ?? 0]);
  const r = await runLoad({ ...opts, durationSec: Number(values.seconds) });
  const cpu = cpuSeconds([g.child.pid ?? 0]) - cpu0;
  process.stdout.write(
    `${mode}: ${r.rps} req/s, p50 ${r.p50} ms, cpu ${Math.round((cpu * 1e6) / r.requests)} us/req\n`,
  );
  await s.stop();
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const main = files.sort().at(0);
  if (main) {
    process.stdout.write(
      execFileSync(
        process.execPath,
        ["--import", "tsx", join(ROOT, "bench/profile-summary.ts"), join(dir, main), "--top", "40"],
        {
          cwd: ROOT,
          encoding: "utf8",
        },
      ),
    );
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`profile: ${String(e)}\n`);
  process.exit(1);
});
