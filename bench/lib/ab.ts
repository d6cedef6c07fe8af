/**
 * `tsx bench/lib/ab.ts [--modes json,sse] [--rounds 3] [--seconds 4] [--connections 50] [--ttft 0]
 *  [--stages-off a,b]`: CPU per request and req/s of the bare proxy and one gateway process, alternating round by
 * round (and, with `--ttft N`, time to first SSE event over N sequential streams each; `--modes ""` skips the
 * load), for a quick A/B of a change (run it before and after) without the whole runner.
 * `--stages-off prompt,conversation,completion` switches policy stages off: with all three off the gateway's own
 * plumbing is measured against the bare proxy.
 */
import { parseArgs } from "node:util";
import { chatBody, type Mode } from "./bodies.ts";
import { runLoad } from "./load.ts";
import { cpuSeconds } from "./machine.ts";
import { BENCH_KEY, startServices, type StagesOff } from "./services.ts";
import { measureTtft } from "./ttft.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      modes: { type: "string", default: "json,sse" },
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "4" },
      connections: { type: "string", default: "50" },
      ttft: { type: "string", default: "0" },
      "stages-off": { type: "string", default: "" },
    },
  });
  const stages = ["prompt", "conversation", "completion"] as const;
  const names = values["stages-off"].split(",").filter((n) => n.length > 0);
  const unknown = names.filter((n) => !(stages as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown stage(s) ${unknown.join(", ")}; use ${stages.join(", ")}`);
  const off = names as unknown as StagesOff;
  const s = await startServices({ workers: ["1"], stagesOff: off });
  try {
    const gateway = s.gateways.get("gateway");
    if (!gateway) throw new Error("no gateway");
    const targets = [
      ["baseline", s.baseline],
      ["gateway", gateway],
    ] as const;
    process.stdout.write(`stages off: ${off.length > 0 ? off.join(", ") : "none"}\n`);
    const headers = { "content-type": "application/json", authorization: `Bearer ${BENCH_KEY}` };
    for (const mode of values.modes.split(",").filter((m) => m.length > 0) as Mode[]) {
      const acc = new Map<string, { cpu: number; requests: number; rps: number[] }>();
      for (let round = 0; round < Number(values.rounds); round++) {
        for (const [name, t] of round % 2 === 0 ? targets : [...targets].reverse()) {
          const opts = {
            url: t.url,
            path: "/v1/chat/completions",
            headers,
            bodies: [chatBody(mode)],
            connections: Number(values.connections),
          };
          await runLoad({ ...opts, durationSec: 1 });
          const cpu0 = cpuSeconds([t.child.pid ?? 0]);
          const r = await runLoad({ ...opts, durationSec: Number(values.seconds) });
          const a = acc.get(name) ?? { cpu: 0, requests: 0, rps: [] };
          a.cpu += cpuSeconds([t.child.pid ?? 0]) - cpu0;
          a.requests += r.requests;
          a.rps.push(r.rps);
          acc.set(name, a);
        }
      }
      const cells = [...acc].map(([name, a]) => {
        const rps = [...a.rps].sort((x, y) => x - y)[Math.floor(a.rps.length / 2)] ?? 0;
        return `${name} ${Math.round((a.cpu * 1e6) / Math.max(1, a.requests))} us/req, ${rps} req/s (median)`;
      });
      process.stdout.write(`${mode}: ${cells.join(" | ")}\n`);
    }
    const samples = Number(values.ttft);
    if (samples > 0) {
      const r = await measureTtft(
        targets.map(([name, t]) => ({ name, url: t.url, headers })),
        chatBody("sse"),
        samples,
      );
      const cells = Object.entries(r).map(([name, v]) => `${name} p50 ${v.firstEvent.p50} ms`);
      process.stdout.write(`first SSE event: ${cells.join(" | ")}\n`);
    }
  } finally {
    await s.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`ab: ${String(e)}\n`);
  process.exit(1);
});
