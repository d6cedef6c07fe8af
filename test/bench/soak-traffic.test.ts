import { describe, expect, it } from "vitest";
import { createMixPicker, SOAK_MIX, totals, type KindCounts } from "../../bench/lib/soak-traffic.ts";

describe("the soak's mix", () => {
  it("sends each kind in proportion to its weight, spread evenly", () => {
    const kinds = [
      { name: "a", weight: 5 },
      { name: "b", weight: 3 },
      { name: "c", weight: 2 },
    ];
    const pick = createMixPicker(kinds);
    const seq = Array.from({ length: 100 }, () => pick().name);
    for (const k of kinds) expect(seq.filter((n) => n === k.name)).toHaveLength(k.weight * 10);
    // Every window of 10 carries the whole mix (no bursts of one kind).
    for (let i = 0; i < 100; i += 10) expect(seq.slice(i, i + 10).filter((n) => n === "c")).toHaveLength(2);
  });

  it("covers every kind of the issue and sums to 100", () => {
    expect(SOAK_MIX.reduce((s, k) => s + k.weight, 0)).toBe(100);
    const names = SOAK_MIX.map((k) => k.name).join(" ");
    for (const part of [
      "benign-json",
      "benign-sse",
      "flag-",
      "block-prompt",
      "block-completion-sse",
      "client-abort",
      "upstream-500",
    ])
      expect(names).toContain(part);
  });

  it("counts a 5xx as unexpected only where the kind does not expect it", () => {
    const c = (statuses: Record<string, number>, extra: Partial<KindCounts> = {}): KindCounts => ({
      sent: Object.values(statuses).reduce((a, b) => a + b, 0),
      statuses,
      ok: 0,
      left: 0,
      unexpectedStatus: 0,
      transportErrors: 0,
      timeouts: 0,
      ...extra,
    });
    const t = totals({
      "benign-json": c({ 200: 10, 502: 2 }, { unexpectedStatus: 2 }),
      "upstream-500-json": c({ 500: 5 }),
      "benign-sse": c({ 0: 1, 200: 3 }, { transportErrors: 1, timeouts: 1 }),
    });
    expect(t).toEqual({ requests: 21, unexpected5xx: 2, unexpectedStatus: 2, transportErrors: 2 });
  });
});
