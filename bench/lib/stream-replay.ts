/**
 * `tsx bench/lib/stream-replay.ts [--scorers none|rules|all] [--streams 400]`: replays the demo upstream's benign
 * OpenAI stream (one chunk per event) through the gateway's stream guard pump in-process - the path the gateway runs
 * over HTTP, minus the sockets - and prints the time per stream. It isolates the SSE pipeline's own cost (parse,
 * guard, render) from HTTP and from the other stages.
 */
import { parseArgs } from "node:util";
import { createOnnxClassifier } from "../../classifiers/onnx-classifier.ts";
import { createRulesClassifier } from "../../classifiers/rules.ts";
import type { StreamScorer } from "../../classifiers/types.ts";
import { DEFAULT_RULES } from "../../config/default-rules.ts";
import { openaiDialect } from "../../gateway/dialects/openai.ts";
import { createMetrics } from "../../gateway/observability/metrics.ts";
import { createSseGuardPump } from "../../gateway/stream/guard.ts";
import { streamScorerFor } from "../../gateway/stream/scorers.ts";
import { startDemoUpstream } from "../../gateway/embedded/demo-upstream/server.ts";

async function benignStreamEvents(): Promise<Uint8Array[]> {
  const mock = await startDemoUpstream({ port: 0, record: false });
  try {
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "bench", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.text();
    const enc = new TextEncoder();
    return text
      .split("\n\n")
      .filter((e) => e.length > 0)
      .map((e) => enc.encode(`${e}\n\n`));
  } finally {
    await mock.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scorers: { type: "string", default: "all" }, streams: { type: "string", default: "400" } },
  });
  const events = await benignStreamEvents();
  const rules = createRulesClassifier({ rules: DEFAULT_RULES });
  const model =
    values.scorers === "all" ? await createOnnxClassifier({ dir: "models/completion" }) : undefined;
  const metrics = createMetrics({ collectDefaults: false });
  const scorersFor = (): StreamScorer[] =>
    values.scorers === "none"
      ? []
      : [rules, ...(model ? [model] : [])].map((c) => streamScorerFor(c, "Tell me about bread."));
  let bytesOut = 0;
  const once = async (): Promise<void> => {
    const pump = createSseGuardPump(
      {
        renderer: openaiDialect.createStreamRenderer({ model: "bench", fallbackId: "bench" }),
        dialect: "openai",
        scorers: scorersFor(),
        stage: {
          enabled: true,
          cascade: [["rules"]],
          uncertain: { low: 0.35, high: 0.75 },
          thresholds: { harmful: { flag: 0.5, block: 0.99 } },
          deadlineMs: 250,
          failMode: "closed",
        },
        stream: { mode: "hold-back", scoreEveryChars: 96, holdBackChars: 256, maxHoldMs: 150 },
        metrics,
        onBlock: () => undefined,
        onEnd: () => undefined,
      },
      {
        enqueue: (text) => {
          bytesOut += text.length;
        },
        terminate: () => undefined,
        error: (e) => {
          throw e;
        },
      },
    );
    for (const e of events) {
      const pending = pump.write(e);
      if (pending) await pending;
    }
    await pump.end();
  };
  for (let i = 0; i < 50; i++) await once();
  const n = Number(values.streams);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await once();
  const us = ((performance.now() - t0) / n) * 1000;
  if (bytesOut === 0) throw new Error("the guard released nothing");
  process.stdout.write(`scorers=${values.scorers} events=${events.length} ${us.toFixed(0)} us per stream\n`);
}

await main();
