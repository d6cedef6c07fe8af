/** Request-level text screened in its own right: the outcome cache that amortises it, and the merge of outcomes. */
import { describe, expect, it } from "vitest";
import type { StageRecord } from "../../../contracts/incident.ts";
import type { StagePolicy } from "../../../config/schema.ts";
import { mergeOutcomes } from "../../../gateway/screening/merge-outcomes.ts";
import { createOutcomeCache } from "../../../gateway/screening/outcome-cache.ts";
import { RULES_STAGE } from "../../helpers/streams.ts";

const allow: StageRecord = {
  stage: "prompt",
  action: "allow",
  fired: [],
  scores: { cbrn: 0.1 },
  classifiers: [{ name: "rules", scores: { cbrn: 0.1 }, ms: 1 }],
};
const block: StageRecord = {
  stage: "prompt",
  action: "block",
  fired: [{ key: "cbrn", score: 1, action: "block" }],
  scores: { cbrn: 1, harmful: 1 },
  classifiers: [{ name: "rules", scores: { cbrn: 1, harmful: 1 }, ms: 1 }],
};
const input = { stage: "prompt" as const, text: "You are a helpful assistant." };

function counting(outcome: StageRecord) {
  const screen = { calls: 0, run: (): Promise<StageRecord> => (screen.calls++, Promise.resolve(outcome)) };
  return screen;
}

describe("outcome cache", () => {
  it("reuses a clean allow for the same text and policy within the TTL, and screens again after it", async () => {
    let now = 1_000;
    const cache = createOutcomeCache({ ttlMs: 1000, now: () => now });
    const s = counting(allow);
    await cache.run("prompt", RULES_STAGE, input, s.run);
    await cache.run("prompt", RULES_STAGE, input, s.run);
    expect(s.calls).toBe(1);
    now += 1001;
    await cache.run("prompt", RULES_STAGE, input, s.run);
    expect(s.calls).toBe(2);
  });

  it("never reuses a block, a failed classifier or a fail mode, another policy, or an input with context", async () => {
    const cache = createOutcomeCache();
    const failed: StageRecord = {
      ...allow,
      classifiers: [{ name: "m", scores: {}, ms: 1, error: "timeout" }],
    };
    for (const outcome of [block, failed, { ...allow, failMode: "open" as const }]) {
      const s = counting(outcome);
      await cache.run("prompt", RULES_STAGE, input, s.run);
      expect(await cache.run("prompt", RULES_STAGE, input, s.run)).toBe(outcome);
      expect(s.calls).toBe(2);
    }
    const s = counting(allow);
    const other: StagePolicy = { ...RULES_STAGE };
    await cache.run("prompt", other, { ...input, text: "x" }, s.run);
    await cache.run("prompt", { ...RULES_STAGE }, { ...input, text: "x" }, s.run);
    await cache.run("prompt", other, { ...input, text: "y", context: "c" }, s.run);
    await cache.run("prompt", other, { ...input, text: "y", context: "c" }, s.run);
    expect(s.calls).toBe(4);
  });

  it("keeps at most maxEntries texts per policy, dropping the oldest", async () => {
    const cache = createOutcomeCache({ maxEntries: 2 });
    const s = counting(allow);
    for (const text of ["a", "b", "c", "a"])
      await cache.run("prompt", RULES_STAGE, { ...input, text }, s.run);
    expect(s.calls).toBe(4);
  });
});

describe("mergeOutcomes", () => {
  it("takes the maximum score per key and the worst action, and keeps every classifier run", () => {
    const m = mergeOutcomes(RULES_STAGE, allow, block);
    expect(m).toMatchObject({ action: "block", scores: { cbrn: 1, harmful: 1 } });
    expect(m.fired.map((f) => f.key)).toContain("cbrn");
    expect(m.classifiers).toHaveLength(2);
  });

  it("a fail-closed block on one input stays a block", () => {
    const closed: StageRecord = { ...allow, action: "block", failMode: "closed" };
    expect(mergeOutcomes(RULES_STAGE, allow, closed)).toMatchObject({ action: "block", failMode: "closed" });
  });
});
