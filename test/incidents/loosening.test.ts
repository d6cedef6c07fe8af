/**
 * Loosening detection (multi-party authorization): every way a change can screen less is caught, and a change that
 * screens the same or more is not.
 */
import { describe, expect, it } from "vitest";
import { looseningReasons } from "../../gateway/admin/loosening.ts";
import { policySchema } from "../../gateway/config/schema.ts";
import type { ClassifierInfo } from "../../gateway/screening/presets.ts";
import { resolvePolicies, type ResolvedPolicy } from "../../gateway/screening/policy.ts";

const INFOS: ClassifierInfo[] = [
  { name: "rules", kind: "rules" },
  { name: "signatures", kind: "signatures" },
  { name: "prompt-model", kind: "onnx", stage: "prompt", thresholds: { harmful: { flag: 0.5, block: 0.9 } } },
  { name: "judge", kind: "judge" },
];

function policy(raw: Record<string, unknown> = {}): ResolvedPolicy {
  const p = resolvePolicies({ p: policySchema.parse(raw) }, INFOS).get("p");
  if (!p) throw new Error("policy did not resolve");
  return p;
}

const base = policy({ preset: "asl3" });
const change = (raw: Record<string, unknown>) => looseningReasons(base, policy({ preset: "asl3", ...raw }));

describe("loosening detection", () => {
  it("finds nothing in an identical policy", () => {
    expect(looseningReasons(base, policy({ preset: "asl3" }))).toEqual([]);
  });

  it("does not count tightening as loosening", () => {
    expect(
      change({
        stages: {
          prompt: {
            thresholds: { harmful: { flag: 0.3, block: 0.8 }, cyber: { flag: 0.2 } },
            uncertain: { low: 0.2, high: 0.9 },
            deadlineMs: 300,
          },
        },
        stream: { scoreEveryChars: 48 },
      }),
    ).toEqual([]);
  });

  it("catches a disabled stage", () => {
    expect(change({ stages: { completion: { enabled: false } } })).toContain("completion stage disabled");
  });

  it("catches fail-closed turned fail-open", () => {
    expect(change({ stages: { prompt: { failMode: "open" } } })).toContain("prompt fail mode closed -> open");
  });

  it("catches a raised or removed threshold", () => {
    expect(change({ stages: { prompt: { thresholds: { harmful: { flag: 0.6, block: 0.9 } } } } })).toEqual([
      "prompt.thresholds.harmful.flag raised 0.5 -> 0.6",
    ]);
    // The asl3 prompt stage flags on `harmful` alone (see presets.ts), so removing that flag is the loosening.
    expect(change({ stages: { prompt: { thresholds: { harmful: {} } } } })).toEqual([
      "prompt.thresholds.harmful.flag removed (was 0.5)",
    ]);
  });

  it("catches a dropped classifier tier and a classifier moved to a later tier", () => {
    const dropped = change({ stages: { prompt: { cascade: [["rules", "signatures"]] } } });
    expect(dropped.join("\n")).toMatch(/prompt cascade drops prompt-model, judge/);
    const moved = change({
      stages: {
        prompt: {
          cascade: [
            ["rules", "signatures"],
            ["prompt-model", "judge"],
          ],
        },
      },
    });
    expect(moved.join("\n")).toMatch(/prompt cascade moves prompt-model to a later tier/);
  });

  it("catches a narrower uncertain band and a shorter deadline on a fail-open stage", () => {
    expect(change({ stages: { prompt: { uncertain: { low: 0.5, high: 0.75 } } } })).toEqual([
      "prompt uncertain band narrowed (fewer escalations)",
    ]);
    const asl2 = policy({ preset: "asl2" });
    const shorter = policy({ preset: "asl2", stages: { prompt: { deadlineMs: 50 } } });
    expect(looseningReasons(asl2, shorter)).toEqual([
      "prompt deadline shortened 150 -> 50 ms while fail-open",
    ]);
    // Fail-closed: a shorter deadline refuses more, it does not let more through.
    expect(change({ stages: { prompt: { deadlineMs: 50 } } })).toEqual([]);
  });

  it("catches streams screened less: release-then-check, a longer scoring interval", () => {
    expect(change({ stream: { mode: "release-then-check" } })).toEqual([
      "stream mode hold-back -> release-then-check",
    ]);
    expect(change({ stream: { scoreEveryChars: 200 } })).toEqual([
      "stream scoring interval raised 96 -> 200",
    ]);
  });

  it("lists every reason of a change that loosens several things at once", () => {
    const reasons = change({
      stages: { prompt: { enabled: false }, completion: { failMode: "open" } },
      stream: { mode: "release-then-check" },
    });
    expect(reasons).toHaveLength(3);
  });
});
