/**
 * The Node pump (the gateway's SSE path over HTTP) with real Node streams: a slow client exerts backpressure on the
 * upstream, a block ends the response as a refusal, and a client that leaves gets nothing more written.
 */
import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createRulesClassifier } from "../../../classifiers/rules.ts";
import type { StreamScorer } from "../../../classifiers/types.ts";
import { DEFAULT_RULES } from "../../../config/default-rules.ts";
import { openaiDialect } from "../../../gateway/dialects/openai.ts";
import { createMetrics } from "../../../gateway/observability/metrics.ts";
import type { StreamSummary } from "../../../gateway/stream/guard.ts";
import { pumpSseToNode, type NodePumpOptions } from "../../../gateway/stream/node-pump.ts";
import { createSseDecoder } from "../../../gateway/sse/decoder.ts";
import { formatSse } from "../../../gateway/sse/format.ts";
import { openaiEvents, RULES_STAGE } from "../../helpers/streams.ts";

/** An OpenAI stream of `text` as upstream byte chunks of three events each. */
function upstreamChunks(text: string): Buffer[] {
  const events = openaiEvents(text).map(formatSse);
  const chunks: Buffer[] = [];
  for (let i = 0; i < events.length; i += 3) chunks.push(Buffer.from(events.slice(i, i + 3).join("")));
  return chunks;
}

/** A client that takes `delayMs` per write with a tiny buffer, so writes report backpressure. */
function slowClient(delayMs: number): Writable & { received(): string; maxBuffered(): number } {
  const parts: Buffer[] = [];
  let maxBuffered = 0;
  const w: Writable = new Writable({
    highWaterMark: 256,
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk);
      maxBuffered = Math.max(maxBuffered, w.writableLength);
      setTimeout(cb, delayMs);
    },
  });
  return Object.assign(w, {
    received: () => Buffer.concat(parts).toString("utf8"),
    maxBuffered: () => maxBuffered,
  });
}

function textOf(raw: string): string {
  const d = createSseDecoder();
  const evs = [...d.push(Buffer.from(raw)), ...d.end()];
  const r = openaiDialect.createStreamRenderer({ model: "m", fallbackId: "x" });
  return evs.map((e) => (e.data === "[DONE]" ? "" : r.textOf(e))).join("");
}

function pump(
  body: Readable,
  outgoing: Writable,
  clientGone = new AbortController().signal,
  extra: Partial<NodePumpOptions> = {},
) {
  const rules = createRulesClassifier({ rules: DEFAULT_RULES });
  let blocks = 0;
  let aborts = 0;
  const ended = new Promise<StreamSummary>((resolve) => {
    pumpSseToNode({
      outgoing,
      body,
      clientGone,
      guard: {
        renderer: openaiDialect.createStreamRenderer({ model: "m", fallbackId: "x" }),
        dialect: "openai",
        scorers: [rules.createStreamScorer?.("") as StreamScorer],
        stage: RULES_STAGE,
        stream: { mode: "hold-back", scoreEveryChars: 96, holdBackChars: 256, maxHoldMs: 150 },
        metrics: createMetrics({ collectDefaults: false }),
        onBlock: () => blocks++,
        onEnd: resolve,
      },
      abortUpstream: () => aborts++,
      onFirstChunk: () => undefined,
      onReadError: () => undefined,
      onWriteError: (e) => {
        throw e;
      },
      ...extra,
    });
  });
  return { ended, blocks: () => blocks, aborts: () => aborts };
}

const finished = (w: Writable): Promise<void> => new Promise((resolve) => w.once("finish", resolve));

describe("pumpSseToNode", () => {
  it("pauses the upstream while a slow client drains, and delivers every byte in order", async () => {
    const text = "Bread needs flour, water, salt and time to rise well. ".repeat(60);
    const body = Readable.from(upstreamChunks(text), { objectMode: false });
    let pauses = 0;
    body.on("pause", () => pauses++);
    const client = slowClient(2);
    const { ended } = pump(body, client);
    const summary = await ended;
    await finished(client);
    expect(summary.action).toBe("allow");
    expect(textOf(client.received())).toBe(text);
    expect(client.received().endsWith("data: [DONE]\n\n")).toBe(true);
    expect(pauses).toBeGreaterThan(5);
    // Without backpressure the whole ~100 KB stream would sit in the client's buffer; with it, about one release.
    expect(Buffer.byteLength(client.received())).toBeGreaterThan(50_000);
    expect(client.maxBuffered()).toBeLessThan(8_192);
  });

  it("a block ends the response as a refusal and releases nothing of the triggering window", async () => {
    const prefix = "Some general background on laboratory safety, goggles and gloves. ".repeat(4);
    const text = `${prefix}Now the step-by-step synthesis of sarin begins with [REDACTED]. More follows.`;
    const client = slowClient(0);
    const { ended, blocks } = pump(Readable.from(upstreamChunks(text)), client);
    const summary = await ended;
    await finished(client);
    expect(summary.cut).toBe(true);
    expect(blocks()).toBe(1);
    const raw = client.received();
    expect(raw).not.toMatch(/sarin|REDACTED/);
    expect(raw).toContain('"finish_reason":"content_filter"');
    expect(text.startsWith(textOf(raw))).toBe(true);
  });

  it("a broken upstream stream ends in the dialect and stops reading the upstream", async () => {
    const good = upstreamChunks("Bread needs flour and water. ".repeat(5));
    const rest = upstreamChunks("More words that should never be read. ".repeat(50));
    const chunks = [...good.slice(0, 3), Buffer.from("data: {not json\n\n"), ...rest];
    let read = 0;
    const body = new Readable({
      read() {
        this.push(read < chunks.length ? chunks[read++] : null);
      },
    });
    const client = slowClient(0);
    const { ended, aborts } = pump(body, client);
    const summary = await ended;
    await finished(client);
    expect(summary.upstreamError).toMatch(/malformed/);
    expect(client.received()).toContain('"error"');
    expect(aborts()).toBeGreaterThan(0);
    expect(body.destroyed).toBe(true);
    expect(read).toBeLessThan(chunks.length / 2);
  });

  it("writes nothing more once the client has gone", async () => {
    const text = "Bread needs flour, water, salt and time to rise well. ".repeat(40);
    const gone = new AbortController();
    const client = slowClient(1);
    const chunks = upstreamChunks(text);
    const body = new Readable({ read() {} });
    pump(body, client, gone.signal);
    for (const c of chunks.slice(0, 10)) body.push(c);
    await new Promise((r) => setTimeout(r, 50));
    const before = client.received().length;
    gone.abort();
    for (const c of chunks.slice(10)) body.push(c);
    body.push(null);
    await new Promise((r) => setTimeout(r, 200));
    expect(before).toBeGreaterThan(0);
    expect(client.writableEnded).toBe(false);
    expect(client.received()).not.toContain("[DONE]");
  });

  describe("limits", () => {
    const limits = { maxResponseBytes: 4096, maxResponseSeconds: 0.3 };
    const TEXT = "Bread needs flour, water, salt and time to rise well. ".repeat(40);
    /** The completion text released before the stream's error event, and that event. */
    const split = (raw: string): { text: string; error: string | undefined } => {
      const i = raw.lastIndexOf('data: {"error"');
      return { text: textOf(i === -1 ? raw : raw.slice(0, i)), error: i === -1 ? undefined : raw.slice(i) };
    };

    it("a body over maxResponseBytes is cut there: upstream aborted, screened text out, then the error", async () => {
      const chunks = upstreamChunks(TEXT);
      let read = 0;
      const body = new Readable({
        read() {
          this.push(read < chunks.length ? chunks[read++] : null);
        },
      });
      const breaches: string[] = [];
      const client = slowClient(0);
      const { ended, aborts } = pump(body, client, undefined, {
        limits,
        onLimit: (b) => breaches.push(b.limit),
      });
      const summary = await ended;
      await finished(client);
      expect(breaches).toEqual(["response"]);
      expect(summary.upstreamError).toBe("upstream response exceeded 4 KiB");
      expect(aborts()).toBeGreaterThan(0);
      expect(body.destroyed).toBe(true);
      expect(read).toBeLessThan(chunks.length / 2);
      const { text, error } = split(client.received());
      expect(error).toMatch(/^data: \{"error":\{"message":"upstream response exceeded 4 KiB"/);
      expect(text.length).toBeGreaterThan(0);
      expect(TEXT.startsWith(text)).toBe(true);
    });

    it("a body still open after maxResponseSeconds is cut, after its held text is screened", async () => {
      const body = new Readable({ read() {} });
      for (const c of upstreamChunks(TEXT).slice(0, 5)) body.push(c);
      const client = slowClient(0);
      const breaches: string[] = [];
      const t0 = Date.now();
      const { ended, aborts } = pump(body, client, undefined, {
        limits,
        onLimit: (b) => breaches.push(b.limit),
      });
      const summary = await ended;
      await finished(client);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(breaches).toEqual(["duration"]);
      expect(aborts()).toBeGreaterThan(0);
      expect(body.destroyed).toBe(true);
      expect(summary).toMatchObject({
        action: "allow",
        upstreamError: "upstream response took longer than 0.3 s",
      });
      const { text, error } = split(client.received());
      expect(text).toBe("Bread needs flour, water, salt and time to rise well. Bread needs flour, water, ");
      expect(error).toMatch(/took longer than 0.3 s/);
    });
  });
});
