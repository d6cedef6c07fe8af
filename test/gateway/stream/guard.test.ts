import { describe, expect, it } from "vitest";
import { createRulesClassifier } from "../../../classifiers/rules.ts";
import { ok, type StreamScorer } from "../../../classifiers/types.ts";
import type { StreamPolicy } from "../../../config/schema.ts";
import { DEFAULT_RULES } from "../../../config/default-rules.ts";
import { anthropicDialect } from "../../../gateway/dialects/anthropic.ts";
import { openaiDialect } from "../../../gateway/dialects/openai.ts";
import { createMetrics } from "../../../gateway/observability/metrics.ts";
import {
  createSseGuardStream,
  createStreamGuard,
  type StreamSummary,
} from "../../../gateway/stream/guard.ts";
import { createSseDecoder } from "../../../gateway/sse/decoder.ts";
import type { SseEvent } from "../../../gateway/sse/event.ts";
import { formatSse } from "../../../gateway/sse/format.ts";
import { openaiEvents, RULES_STAGE } from "../../helpers/streams.ts";

const PREFIX = "Sure. Here is some general background on laboratory safety, goggles and gloves. ".repeat(4);
const HARMFUL = `${PREFIX}Now the step-by-step synthesis of sarin begins with [REDACTED]. More text follows here.`;
const TRIGGER_AT = HARMFUL.indexOf("synthesis of sarin");

const stage = RULES_STAGE;

async function run(
  events: SseEvent[],
  opts: { stream: StreamPolicy; scorers?: StreamScorer[]; dialect?: "openai" | "anthropic" },
) {
  const dialect = opts.dialect === "anthropic" ? anthropicDialect : openaiDialect;
  let summary: StreamSummary | undefined;
  let blocked = 0;
  const rules = createRulesClassifier({ rules: DEFAULT_RULES });
  const guard = createStreamGuard({
    renderer: dialect.createStreamRenderer({ model: "m", fallbackId: "x" }),
    dialect: dialect.name,
    scorers: opts.scorers ?? [rules.createStreamScorer?.("") as StreamScorer],
    stage,
    stream: opts.stream,
    metrics: createMetrics({ collectDefaults: false }),
    onBlock: () => blocked++,
    onEnd: (s) => (summary = s),
  });
  const src = new ReadableStream<SseEvent>({
    start(c) {
      for (const e of events) c.enqueue(e);
      c.close();
    },
  });
  let out = "";
  const reader = src.pipeThrough(guard).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const decoder = createSseDecoder();
  const parsed = [...decoder.push(new TextEncoder().encode(out)), ...decoder.end()];
  const renderer = dialect.createStreamRenderer({ model: "m", fallbackId: "x" });
  // The completion text the client received (an error event's message is screened text too, but not completion).
  const completion = parsed.filter((e) => e.data !== "[DONE]" && !e.data.startsWith('{"error"'));
  const text = completion.map((e) => renderer.textOf(e)).join("");
  return { out, parsed, text, summary, blocked };
}

const holdBack: StreamPolicy = {
  mode: "hold-back",
  scoreEveryChars: 64,
  holdBackChars: 128,
  maxHoldMs: 1000,
};

describe("stream guard", () => {
  it("passes a benign stream through unchanged and ends it normally", async () => {
    const r = await run(openaiEvents("A friendly answer about bread. ".repeat(10)), { stream: holdBack });
    expect(r.text).toBe("A friendly answer about bread. ".repeat(10));
    expect(r.out.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(r.summary).toMatchObject({ action: "allow", cut: false });
    expect(r.blocked).toBe(0);
  });

  it("hold-back: releases nothing from the window that triggered the block, then ends as a refusal", async () => {
    const r = await run(openaiEvents(HARMFUL), { stream: holdBack });
    expect(r.blocked).toBe(1);
    expect(HARMFUL.startsWith(r.text)).toBe(true);
    expect(r.text.length).toBeLessThanOrEqual(TRIGGER_AT);
    expect(r.text).not.toMatch(/sarin/);
    const last = JSON.parse(r.parsed.at(-2)?.data ?? "{}") as { choices: { finish_reason: string }[] };
    expect(last.choices[0]?.finish_reason).toBe("content_filter");
    expect(r.parsed.at(-1)?.data).toBe("[DONE]");
    expect(r.summary).toMatchObject({ action: "block", cut: true, released: r.text.length });
  });

  it("release-then-check: stops at the first check after the trigger, nothing after it", async () => {
    const r = await run(openaiEvents(HARMFUL), { stream: { ...holdBack, mode: "release-then-check" } });
    expect(r.blocked).toBe(1);
    expect(HARMFUL.startsWith(r.text)).toBe(true);
    expect(r.text.length).toBeLessThan(TRIGGER_AT + 64 + 20);
    expect(r.summary?.action).toBe("block");
  });

  it("anthropic: closes the open content block and stops with stop_reason refusal", async () => {
    const words = HARMFUL.match(/\S+\s*/g) ?? [];
    const ev = (event: string, data: unknown): SseEvent => ({ event, data: JSON.stringify(data) });
    const events = [
      ev("message_start", { type: "message_start", message: { id: "m1", model: "m" } }),
      ev("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      }),
      ...words.map((w) =>
        ev("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text: w },
        }),
      ),
      ev("content_block_stop", { type: "content_block_stop", index: 0 }),
      ev("message_stop", { type: "message_stop" }),
    ];
    const r = await run(events, { stream: holdBack, dialect: "anthropic" });
    expect(r.text).not.toMatch(/sarin/);
    expect(r.parsed.map((e) => e.event).slice(-3)).toEqual([
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(r.parsed.at(-2)?.data).toContain('"stop_reason":"refusal"');
  });

  it("scores only new text per update: the work per update does not grow with the completion", async () => {
    const sizes: number[] = [];
    const spy: StreamScorer = {
      update: (delta) => {
        sizes.push(delta.length);
        return Promise.resolve(ok({}));
      },
    };
    await run(openaiEvents("word ".repeat(2000)), { stream: holdBack, scorers: [spy] });
    expect(sizes.length).toBeGreaterThan(100);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64 + 5);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it("fail-closed: a failing scorer blocks the stream", async () => {
    const failing: StreamScorer = {
      update: () =>
        Promise.resolve({ ok: false, error: { code: "timeout", message: "slow", retryable: true } }),
    };
    const r = await run(openaiEvents("harmless words ".repeat(20)), { stream: holdBack, scorers: [failing] });
    expect(r.text).toBe("");
    expect(r.summary).toMatchObject({ action: "block", failMode: "closed" });
  });

  it("ends with a dialect error when the upstream stream stops before its terminal event", async () => {
    const events = openaiEvents("fine text ".repeat(5)).slice(0, -2);
    const r = await run(events, { stream: holdBack });
    expect(r.text).toBe("fine text ".repeat(5));
    expect(r.parsed.at(-1)?.data).toContain('"error"');
    expect(r.summary?.upstreamError).toBeDefined();
  });
});

describe("byte-level guard stream (parse, guard and encode in one transform)", () => {
  async function runBytes(chunks: Uint8Array[], maxLineLength?: number) {
    const rules = createRulesClassifier({ rules: DEFAULT_RULES });
    let summary: StreamSummary | undefined;
    const guard = createSseGuardStream({
      renderer: openaiDialect.createStreamRenderer({ model: "m", fallbackId: "x" }),
      dialect: "openai",
      scorers: [rules.createStreamScorer?.("") as StreamScorer],
      stage,
      stream: holdBack,
      metrics: createMetrics({ collectDefaults: false }),
      onBlock: () => undefined,
      onEnd: (s) => (summary = s),
      ...(maxLineLength !== undefined ? { maxLineLength } : {}),
    });
    const src = new ReadableStream<Uint8Array>({
      start(c) {
        for (const ch of chunks) c.enqueue(ch);
        c.close();
      },
    });
    const out = Buffer.from(await new Response(src.pipeThrough(guard)).arrayBuffer()).toString("utf8");
    return { out, summary };
  }

  const bytesOf = (evs: SseEvent[]) => new TextEncoder().encode(evs.map((e) => formatSse(e)).join(""));

  it("holds back the triggering window when the bytes arrive split at awkward places", async () => {
    const all = bytesOf(openaiEvents(`${HARMFUL} Café — 🙂`));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < all.length; i += 7) chunks.push(all.subarray(i, i + 7));
    const r = await runBytes(chunks);
    expect(r.out).not.toMatch(/sarin/);
    expect(r.out).toContain('"finish_reason":"content_filter"');
    expect(r.summary).toMatchObject({ action: "block", cut: true });
  });

  it("passes a benign stream through byte for byte in content", async () => {
    const text = "Plain bread, é and 🙂. ".repeat(10);
    const r = await runBytes([bytesOf(openaiEvents(text))]);
    const d = createSseDecoder();
    const evs = [...d.push(new TextEncoder().encode(r.out)), ...d.end()];
    const renderer = openaiDialect.createStreamRenderer({ model: "m", fallbackId: "x" });
    expect(evs.map((e) => (e.data === "[DONE]" ? "" : renderer.textOf(e))).join("")).toBe(text);
  });

  it("ends with a dialect error when the upstream sends an oversized line", async () => {
    const r = await runBytes([new TextEncoder().encode(`data: ${"x".repeat(5000)}`)], 1024);
    expect(r.out).toContain('"error"');
    expect(r.summary?.upstreamError).toMatch(/oversized/);
  });
});
