/**
 * The stream guard's state machine: the transition table itself, then the moves that matter seen from outside - a
 * stop while a score is in flight, input and ends after a stop, a break while text is held, a second break during
 * the last screening, events after the terminal event, and the hold timer re-arming.
 */
import { describe, expect, it } from "vitest";
import { createRulesClassifier } from "../../../classifiers/rules.ts";
import type { StreamScorer } from "../../../classifiers/types.ts";
import type { StreamPolicy } from "../../../config/schema.ts";
import { DEFAULT_RULES } from "../../../config/default-rules.ts";
import { openaiDialect } from "../../../gateway/dialects/openai.ts";
import { createMetrics } from "../../../gateway/observability/metrics.ts";
import { createSseGuardPump, type StreamSummary } from "../../../gateway/stream/guard.ts";
import { isOpen, transition, type GuardEvent, type GuardState } from "../../../gateway/stream/guard-state.ts";
import { createSseDecoder } from "../../../gateway/sse/decoder.ts";
import type { SseEvent } from "../../../gateway/sse/event.ts";
import { formatSse } from "../../../gateway/sse/format.ts";
import { openaiEvents, RULES_STAGE } from "../../helpers/streams.ts";

const STATES = {
  streaming: { kind: "streaming" },
  holding: { kind: "holding" },
  settling: { kind: "settling" },
  "settling(broken)": { kind: "settling", upstreamError: "cut" },
  "ended(complete)": { kind: "ended", reason: "complete" },
  "ended(blocked)": { kind: "ended", reason: "blocked" },
  "ended(broken)": { kind: "ended", reason: "broken", upstreamError: "cut" },
} satisfies Record<string, GuardState>;
type Name = keyof typeof STATES;

const EVENTS = {
  hold: { type: "hold" },
  screen: { type: "screen" },
  expire: { type: "expire" },
  settle: { type: "settle" },
  "settle(broken)": { type: "settle", upstreamError: "cut" },
  block: { type: "block" },
  finish: { type: "finish" },
} satisfies Record<string, GuardEvent>;
type Move = keyof typeof EVENTS;

const NO = "refused";
const OVER: Record<Move, Name | typeof NO> = {
  hold: NO,
  screen: NO,
  expire: NO,
  settle: NO,
  "settle(broken)": NO,
  block: NO,
  finish: NO,
};
/** Written out by hand from DESIGN section 5, not derived from the code under test. */
const TABLE: Record<Name, Record<Move, Name | typeof NO>> = {
  streaming: {
    hold: "holding",
    screen: "streaming",
    expire: NO,
    settle: "settling",
    "settle(broken)": "settling(broken)",
    block: "ended(blocked)",
    finish: NO,
  },
  holding: {
    hold: "holding",
    screen: "streaming",
    expire: "streaming",
    settle: "settling",
    "settle(broken)": "settling(broken)",
    block: "ended(blocked)",
    finish: NO,
  },
  settling: { ...OVER, block: "ended(blocked)", finish: "ended(complete)" },
  "settling(broken)": { ...OVER, block: "ended(blocked)", finish: "ended(broken)" },
  "ended(complete)": OVER,
  "ended(blocked)": OVER,
  "ended(broken)": OVER,
};

describe("guard state machine: the transition table", () => {
  const cases = Object.entries(TABLE).flatMap(([from, row]) =>
    Object.entries(row).map(([move, to]) => [from as Name, move as Move, to] as const),
  );

  it.each(cases)("%s --%s--> %s", (from, move, to) => {
    const next = transition(STATES[from], EVENTS[move]);
    expect(next).toEqual(to === NO ? undefined : STATES[to]);
  });

  it("only streaming and holding take events", () => {
    const open = (Object.keys(STATES) as Name[]).filter((n) => isOpen(STATES[n]));
    expect(open).toEqual(["streaming", "holding"]);
  });
});

const PREFIX = "Sure. Here is some general background on laboratory safety, goggles and gloves. ".repeat(3);
const HARMFUL = `${PREFIX}Now the step-by-step synthesis of sarin begins with [REDACTED]. More text follows.`;

const bytesOf = (evs: readonly SseEvent[]): Uint8Array =>
  new TextEncoder().encode(evs.map((e) => formatSse(e)).join(""));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The built-in rules' stream scorer, each update answered `delayMs` later, so a score is in flight for a while. */
function slowRules(delayMs: number): StreamScorer & { calls(): number } {
  const rules = createRulesClassifier({ rules: DEFAULT_RULES }).createStreamScorer?.("") as StreamScorer;
  let calls = 0;
  return {
    async update(delta, signal) {
      calls++;
      await sleep(delayMs);
      return rules.update(delta, signal);
    },
    calls: () => calls,
  };
}

/** A guard pump over a sink that records what reaches the client and how the stream was reported. */
function startPump(stream: StreamPolicy, scorer: StreamScorer) {
  let out = "";
  let terminated = 0;
  let blocks = 0;
  const errors: unknown[] = [];
  const summaries: StreamSummary[] = [];
  const pump = createSseGuardPump(
    {
      renderer: openaiDialect.createStreamRenderer({ model: "m", fallbackId: "x" }),
      dialect: "openai",
      scorers: [scorer],
      // The delayed scorer must not run into the stage deadline: a timeout would block (fail-closed) by itself.
      stage: { ...RULES_STAGE, deadlineMs: 5000 },
      stream,
      metrics: createMetrics({ collectDefaults: false }),
      onBlock: () => blocks++,
      onEnd: (s) => summaries.push(s),
      maxLineLength: 1024,
    },
    {
      enqueue: (t) => void (out += t),
      terminate: () => void terminated++,
      error: (e) => void errors.push(e),
    },
  );
  /** The completion text the client received (not the error event's message). */
  const text = (): string => {
    const d = createSseDecoder();
    const r = openaiDialect.createStreamRenderer({ model: "m", fallbackId: "x" });
    return [...d.push(Buffer.from(out)), ...d.end()]
      .filter((e) => e.data !== "[DONE]" && !e.data.startsWith('{"error"'))
      .map((e) => r.textOf(e))
      .join("");
  };
  return {
    pump,
    out: () => out,
    text,
    summaries,
    errors,
    blocks: () => blocks,
    terminated: () => terminated,
  };
}

const holdBack: StreamPolicy = {
  mode: "hold-back",
  scoreEveryChars: 64,
  holdBackChars: 128,
  maxHoldMs: 10_000,
};
/** Nothing reaches a screening point by size: text stays held until the hold timer, the end, or a break. */
const holdAll: StreamPolicy = { ...holdBack, scoreEveryChars: 4096, holdBackChars: 4096 };

describe("guard state machine: moves seen from outside", () => {
  it("a block decided while the upstream's end waits on a score in flight: a refusal, not an error, reported once", async () => {
    const g = startPump(holdBack, slowRules(5));
    // No finish chunk and no [DONE]: had the block not come first, the end would be an incomplete stream.
    const writing = g.pump.write(bytesOf(openaiEvents(HARMFUL).slice(0, -2)));
    expect(writing).toBeInstanceOf(Promise);
    const ending = g.pump.end();
    await Promise.all([writing, ending]);
    expect(g.summaries).toHaveLength(1);
    expect(g.summaries[0]).toMatchObject({ action: "block", cut: true });
    expect(g.summaries[0]?.upstreamError).toBeUndefined();
    expect(g.out()).toContain('"finish_reason":"content_filter"');
    expect(g.out()).not.toContain('"error"');
    expect(g.text()).not.toMatch(/sarin/);
    expect([g.blocks(), g.terminated()]).toEqual([1, 1]);
  });

  it("after a block, more input, a break and an end change nothing", async () => {
    const g = startPump(holdBack, slowRules(1));
    // Enough text after the trigger for a screening point mid-stream: the block comes from a write, not the end.
    const text = `${HARMFUL} ${"Filler words that follow it. ".repeat(6)}`;
    await g.pump.write(bytesOf(openaiEvents(text).slice(0, -2)));
    expect(g.summaries).toHaveLength(1);
    const after = g.out();
    expect(g.pump.write(bytesOf(openaiEvents("More words. ".repeat(20))))).toBeUndefined();
    await g.pump.broken("upstream response exceeded 4 KiB");
    await g.pump.end();
    expect(g.out()).toBe(after);
    expect(g.summaries).toHaveLength(1);
    expect(g.summaries[0]).toMatchObject({ action: "block", cut: true });
    expect([g.blocks(), g.terminated(), g.errors.length]).toEqual([1, 1, 0]);
  });

  it("a break while text is held: the held text is screened and released, then the error; the hold timer is gone", async () => {
    const g = startPump({ ...holdAll, maxHoldMs: 40 }, slowRules(1));
    const words = "Bread needs flour and water. ";
    expect(g.pump.write(bytesOf(openaiEvents(words).slice(0, -2)))).toBeUndefined();
    expect(g.text()).toBe("");
    await g.pump.broken("upstream response exceeded 4 KiB");
    expect(g.text()).toBe(words);
    expect(g.out()).toContain('{"error":{"message":"upstream response exceeded 4 KiB"');
    const after = g.out();
    await sleep(100);
    expect(g.out()).toBe(after);
    expect(g.summaries).toHaveLength(1);
    expect(g.summaries[0]).toMatchObject({
      action: "allow",
      cut: false,
      released: words.length,
      upstreamError: "upstream response exceeded 4 KiB",
    });
    expect(g.errors).toEqual([]);
  });

  it("a second break during the last screening waits for it: held text never goes out unscreened", async () => {
    const g = startPump(holdAll, slowRules(20));
    expect(g.pump.write(bytesOf(openaiEvents(HARMFUL).slice(0, -2)))).toBeUndefined();
    // A line over the decoder's limit breaks the stream; its last screening of the held text is now in flight ...
    const oversized = g.pump.write(new TextEncoder().encode(`data: ${"x".repeat(2000)}`));
    expect(oversized).toBeInstanceOf(Promise);
    // ... when a limit cuts the upstream off too (node-pump's maxResponseSeconds can fire at any moment).
    const cut = g.pump.broken("upstream response took longer than 0.3 s");
    await Promise.all([oversized, cut]);
    expect(g.out()).not.toMatch(/sarin|REDACTED/);
    expect(g.out()).toContain('"finish_reason":"content_filter"');
    expect(g.summaries).toHaveLength(1);
    expect(g.summaries[0]).toMatchObject({ action: "block", cut: true, released: 0 });
  });

  it("after the terminal event: later events are not part of the stream, and a pending hold timer does nothing", async () => {
    const scorer = slowRules(60);
    const g = startPump({ ...holdAll, maxHoldMs: 20 }, scorer);
    const events = openaiEvents("Bread needs flour and water. ");
    expect(g.pump.write(bytesOf(events.slice(0, -2)))).toBeUndefined();
    const late: SseEvent = {
      data: JSON.stringify({
        id: "c1",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [],
      }),
    };
    // The last screening (60 ms) outlasts the hold timer (20 ms) armed before the terminal event.
    await g.pump.write(bytesOf([...events.slice(-2), late, ...openaiEvents(" late text")]));
    await sleep(80);
    await g.pump.end();
    expect(g.text()).toBe("Bread needs flour and water. ");
    expect(g.out().endsWith("data: [DONE]\n\n")).toBe(true);
    expect(g.out()).not.toContain("late");
    expect(scorer.calls()).toBe(1);
    expect(g.summaries).toHaveLength(1);
    expect(g.summaries[0]).toMatchObject({ action: "allow", cut: false });
    expect(g.summaries[0]?.upstreamError).toBeUndefined();
    expect(g.errors).toEqual([]);
  });

  it("the hold timer releases screened text, and arms again for text held after that", async () => {
    const g = startPump({ ...holdAll, maxHoldMs: 20 }, slowRules(1));
    const events = openaiEvents("Bread needs flour. Then it needs time. ");
    const half = Math.floor(events.length / 2);
    expect(g.pump.write(bytesOf(events.slice(0, half)))).toBeUndefined();
    await sleep(150);
    const first = g.text();
    expect(first.length).toBeGreaterThan(0);
    expect(g.pump.write(bytesOf(events.slice(half, -2)))).toBeUndefined();
    expect(g.text()).toBe(first);
    await sleep(150);
    expect(g.text()).toBe("Bread needs flour. Then it needs time. ");
    await g.pump.write(bytesOf(events.slice(-2)));
    await g.pump.end();
    expect(g.summaries).toHaveLength(1);
    expect(g.summaries[0]).toMatchObject({ action: "allow", cut: false });
  });
});
