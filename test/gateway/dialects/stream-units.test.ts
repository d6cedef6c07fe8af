/**
 * Where each dialect's units (see `StreamRenderer.openUnitFrom`) begin and end: the OpenAI choice tracker and the
 * Anthropic block tracker, read event by event.
 */
import { describe, expect, it } from "vitest";
import { createBlockUnits } from "../../../gateway/dialects/anthropic-blocks.ts";
import { createChoiceTracker } from "../../../gateway/dialects/openai-chunk.ts";

type Body = Record<string, unknown>;

describe("openai choice tracker", () => {
  const chunk = (...choices: Body[]): Body => ({ choices });
  const c = (delta: Body | undefined, finish: string | null = null, index = 0): Body => ({
    index,
    ...(delta ? { delta } : {}),
    finish_reason: finish,
  });
  const tool = (index: number, args = "x"): Body => ({
    tool_calls: [{ index, function: { arguments: args } }],
  });

  /** Reads the chunks in order and returns `unitFrom()` after each. */
  function trace(chunks: (Body | "DONE")[]): number[] {
    const t = createChoiceTracker();
    return chunks.map((ch, at) => {
      if (ch === "DONE") t.done();
      else t.read(ch, at);
      return t.unitFrom();
    });
  }

  it("a turn's tool calls are one unit, from the first delta to the choice's finish", () => {
    const chunks = [
      chunk(c({ role: "assistant", content: "Let me look. " })),
      chunk(c({ ...tool(0), content: null })),
      chunk(c(tool(0))),
      chunk(c(tool(1))),
      chunk(c(tool(1))),
      chunk(c({}, "tool_calls")),
      "DONE" as const,
    ];
    expect(trace(chunks)).toEqual([-1, 1, 1, 1, 1, -1, -1]);
  });

  it("a legacy function_call is a unit; content after it ends it; a role-only or empty delta does not", () => {
    const fn = (args: string): Body => ({ function_call: { arguments: args } });
    const chunks = [
      chunk(c(fn(""))),
      chunk(c({ role: "assistant" })),
      chunk(c({ content: "" })),
      chunk(c(undefined)),
      chunk(c(fn("{}"))),
      chunk(c({ content: "after" })),
    ];
    expect(trace(chunks)).toEqual([0, 0, 0, 0, 0, -1]);
  });

  it("[DONE] ends every unit, even one whose choice never finished", () => {
    expect(trace([chunk(c(tool(0))), chunk(), "DONE"])).toEqual([0, 0, -1]);
  });

  it("interleaved choices: a unit that opens while another is incomplete joins it", () => {
    const chunks = [
      chunk(c(tool(0), null, 0)),
      chunk(c(tool(0), null, 1)),
      chunk(c(tool(0), null, 0)),
      chunk(c({}, "tool_calls", 0)),
      chunk(c(tool(0), null, 1)),
      chunk(c({}, "tool_calls", 1)),
    ];
    expect(trace(chunks)).toEqual([0, 0, 0, 0, 0, -1]);
  });

  it("blocked choices: every choice not yet finished for the client, with a role only where it was not released", () => {
    const t = createChoiceTracker();
    t.read(chunk(c({ role: "assistant", content: "" }, null, 0)), 0);
    t.read(chunk(c({}, "stop", 0)), 1);
    t.read(chunk(c({ role: "assistant", content: "" }, null, 1)), 2);
    t.read(chunk(c({ role: "assistant", content: "" }, null, 2)), 3);
    const ends = (rendered: number) =>
      t.blockedChoices(rendered).map((ch) => [ch.index, ch.delta, ch.finish_reason]);
    expect(ends(3)).toEqual([
      [1, {}, "content_filter"],
      [2, { role: "assistant" }, "content_filter"],
    ]);
    expect(ends(1)).toEqual([
      [0, {}, "content_filter"],
      [1, { role: "assistant" }, "content_filter"],
      [2, { role: "assistant" }, "content_filter"],
    ]);
  });

  it("blocked choices: index 0 with a role when the stream showed no choice", () => {
    expect(createChoiceTracker().blockedChoices(0)).toEqual([
      { index: 0, delta: { role: "assistant" }, logprobs: null, finish_reason: "content_filter" },
    ]);
  });

  it("tracks at most 128 choices, however many a stream names", () => {
    const t = createChoiceTracker();
    for (let i = 0; i < 1000; i++) t.read(chunk(c({ content: "x" }, null, i)), i);
    expect(t.blockedChoices(0)).toHaveLength(128);
  });
});

describe("anthropic block tracker", () => {
  const start = (index: number, type: string): [string, Body] => [
    "content_block_start",
    { index, content_block: { type } },
  ];
  const delta = (index: number): [string, Body] => ["content_block_delta", { index, delta: {} }];
  const stop = (index: number): [string, Body] => ["content_block_stop", { index }];

  function trace(events: [string, Body][]): number[] {
    const u = createBlockUnits();
    return events.map(([event, value], at) => {
      u.read(event, value, at);
      return u.unitFrom();
    });
  }

  it("text blocks stream piecewise; a thinking block is a unit from its start to its stop", () => {
    const events = [
      ["message_start", {}] as [string, Body],
      start(0, "thinking"),
      delta(0),
      stop(0),
      start(1, "text"),
      delta(1),
      stop(1),
    ];
    expect(trace(events)).toEqual([-1, 1, 1, -1, -1, -1, -1]);
  });

  it("consecutive tool_use blocks are one unit, complete at the next event that is not another one", () => {
    const events = [
      start(0, "text"),
      stop(0),
      start(1, "tool_use"),
      delta(1),
      stop(1),
      ["ping", {}] as [string, Body],
      start(2, "tool_use"),
      stop(2),
      ["message_delta", {}] as [string, Body],
      ["message_stop", {}] as [string, Body],
    ];
    expect(trace(events)).toEqual([-1, -1, 2, 2, 2, 2, 2, 2, -1, -1]);
  });

  it("a tool_use run ends where a text or another kind of block starts; that block opens its own unit", () => {
    expect(trace([start(0, "tool_use"), stop(0), start(1, "text")])).toEqual([0, 0, -1]);
    expect(trace([start(0, "tool_use"), stop(0), start(1, "redacted_thinking"), stop(1)])).toEqual([
      0, 0, 2, -1,
    ]);
  });

  it("message_stop ends every unit, even a block never stopped", () => {
    expect(trace([start(0, "tool_use"), delta(0), ["message_stop", {}]])).toEqual([0, 0, -1]);
  });
});
