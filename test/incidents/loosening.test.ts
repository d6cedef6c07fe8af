/**
 * Loosening detection (multi-party authorization): every way a change can screen less is caught, and a change that
 * screens the same or more is not.
 */
import { describe, expect, it } from "vitest";
import { looseningReasons } from "../../gateway/admin/loosening.ts";
import { policySchema } from "../../config/schema.ts";
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

/**
 * Every policy field, each way it can change (issue 10, item 6): `null` = the change cannot lower any action, so it
 * applies at once; a pattern = it can, and the reasons must say why. `before` defaults to the asl3 preset.
 */
describe("loosening detection, field by field", () => {
  const infos: ClassifierInfo[] = [
    ...INFOS.map((i) =>
      i.name === "prompt-model"
        ? { ...i, thresholds: { harmful: { flag: 0.5, block: 0.9 }, crime: { flag: 0.4, block: 0.8 } } }
        : i,
    ),
    { name: "conversation-model", kind: "onnx", stage: "conversation" },
  ];
  const resolve = (raw: Record<string, unknown>): ResolvedPolicy => {
    const p = resolvePolicies({ p: policySchema.parse(raw) }, infos).get("p");
    if (!p) throw new Error("policy did not resolve");
    return p;
  };
  const asl3 = { preset: "asl3" };
  const asl2 = { preset: "asl2" };
  const prompt = (o: Record<string, unknown>, preset = "asl3") => ({ preset, stages: { prompt: o } });
  const FIRST = ["rules", "signatures", "prompt-model"];
  const replace = (cascade: string[][], extra: Record<string, unknown> = {}) =>
    prompt({ cascade, combine: "replace", ...extra });

  const rows: {
    name: string;
    before?: Record<string, unknown>;
    after: Record<string, unknown>;
    expect: RegExp | null;
  }[] = [
    // Changes that cannot lower an action.
    { name: "nothing changed", after: asl3, expect: null },
    {
      name: "the reported change: conversation-model as a new last tier of the prompt stage",
      before: prompt({ cascade: [FIRST] }),
      after: prompt({ cascade: [FIRST, ["conversation-model"]] }),
      expect: null,
    },
    {
      name: "a tier appended after the judge",
      after: prompt({ cascade: [FIRST, ["judge"], ["conversation-model"]] }),
      expect: null,
    },
    {
      name: "a classifier added to the last tier",
      after: prompt({ cascade: [FIRST, ["judge", "conversation-model"]] }),
      expect: null,
    },
    {
      name: "a classifier moved to an earlier tier",
      after: prompt({ cascade: [[...FIRST, "judge"]] }),
      expect: null,
    },
    {
      name: "thresholds lowered, keys and actions added",
      after: prompt({ thresholds: { harmful: { flag: 0.3, block: 0.8 }, cyber: { shadow: 0.2 } } }),
      expect: null,
    },
    { name: "uncertain band widened", after: prompt({ uncertain: { low: 0.2, high: 0.9 } }), expect: null },
    {
      name: "fail-open -> fail-closed",
      before: asl2,
      after: prompt({ failMode: "closed" }, "asl2"),
      expect: null,
    },
    { name: "a fail-closed stage's deadline shortened", after: prompt({ deadlineMs: 20 }), expect: null },
    {
      name: "a fail-open stage's deadline lengthened",
      before: asl2,
      after: prompt({ deadlineMs: 900 }, "asl2"),
      expect: null,
    },
    {
      name: "a stage enabled",
      before: asl2,
      after: { preset: "asl2", stages: { completion: { enabled: true } } },
      expect: null,
    },
    { name: "combine: max stated explicitly", after: prompt({ combine: "max" }), expect: null },
    {
      name: "release-then-check -> hold-back",
      before: asl2,
      after: { preset: "asl2", stream: { mode: "hold-back" } },
      expect: null,
    },
    {
      name: "the stream scored more often, a shorter hold",
      after: { ...asl3, stream: { scoreEveryChars: 48, maxHoldMs: 50 } },
      expect: null,
    },
    // Changes that can.
    {
      name: "a stage disabled",
      after: { ...asl3, stages: { conversation: { enabled: false } } },
      expect: /^conversation stage disabled$/,
    },
    {
      name: "fail-closed -> fail-open",
      after: prompt({ failMode: "open" }),
      expect: /prompt fail mode closed -> open/,
    },
    {
      name: "a fail-open stage's deadline shortened",
      before: asl2,
      after: prompt({ deadlineMs: 50 }, "asl2"),
      expect: /deadline shortened 150 -> 50 ms while fail-open/,
    },
    {
      name: "a block threshold raised",
      after: { ...asl3, stages: { conversation: { thresholds: { cbrn: { block: 0.6 } } } } },
      expect: /conversation.thresholds.cbrn.block raised 0.3 -> 0.6/,
    },
    {
      name: "a shadow threshold raised",
      before: prompt({ thresholds: { attack: { shadow: 0.2 } } }),
      after: prompt({ thresholds: { attack: { shadow: 0.4 } } }),
      expect: /prompt.thresholds.attack.shadow raised/,
    },
    {
      name: "an action weakened: block -> flag",
      after: { ...asl3, stages: { conversation: { thresholds: { cbrn: { flag: 0.3 } } } } },
      expect: /conversation.thresholds.cbrn.block removed/,
    },
    {
      name: "an action weakened: flag -> shadow",
      after: { ...asl3, stages: { completion: { thresholds: { cyber: { shadow: 0.5 } } } } },
      expect: /completion.thresholds.cyber.flag removed/,
    },
    {
      name: "a label-only key no longer thresholded",
      before: asl2,
      after: prompt(
        {
          cascade: [["rules", "signatures"], ["judge"]],
        },
        "asl2",
      ),
      expect: /prompt.thresholds.crime removed/,
    },
    {
      name: "a classifier dropped (rules off)",
      after: prompt({ cascade: [["signatures", "prompt-model"], ["judge"]] }),
      expect: /prompt cascade drops rules/,
    },
    {
      name: "signatures off",
      after: { ...asl3, stages: { conversation: { cascade: [["rules"], ["judge"]] } } },
      expect: /conversation cascade drops signatures/,
    },
    {
      name: "every tier removed",
      after: { ...asl3, stages: { completion: { cascade: [] } } },
      expect: /completion cascade drops rules, judge/,
    },
    {
      name: "a classifier moved to a later tier",
      after: prompt({
        cascade: [
          ["rules", "signatures"],
          ["prompt-model", "judge"],
        ],
      }),
      expect: /moves prompt-model to a later tier/,
    },
    {
      name: "tiers reordered",
      after: prompt({ cascade: [["judge"], FIRST] }),
      expect: /moves rules, signatures, prompt-model to a later tier/,
    },
    {
      name: "a new tier in front",
      after: prompt({ cascade: [["conversation-model"], FIRST, ["judge"]] }),
      expect: /moves rules, signatures, prompt-model, judge to a later tier/,
    },
    {
      name: "a classifier added to a tier before the judge",
      after: prompt({ cascade: [[...FIRST, "conversation-model"], ["judge"]] }),
      expect: /prompt cascade can skip judge/,
    },
    {
      name: "tiers combined max -> replace",
      after: prompt({ combine: "replace" }),
      expect: /prompt tiers combine max -> replace/,
    },
    {
      name: "tiers combined replace -> max",
      before: replace([FIRST, ["judge"]]),
      after: prompt({ combine: "max" }),
      expect: /prompt tiers combine replace -> max/,
    },
    {
      name: "a tier appended while combining by replace",
      before: replace([FIRST, ["judge"]]),
      after: replace([FIRST, ["judge"], ["conversation-model"]]),
      expect: /escalation changed while tiers combine by replace/,
    },
    {
      name: "the band widened while combining by replace",
      before: replace([FIRST, ["judge"]]),
      after: replace([FIRST, ["judge"]], { uncertain: { low: 0.1, high: 0.9 } }),
      expect: /escalation changed while tiers combine by replace/,
    },
    {
      name: "uncertain band narrowed",
      after: prompt({ uncertain: { low: 0.35, high: 0.6 } }),
      expect: /prompt uncertain band narrowed/,
    },
    {
      name: "hold-back -> release-then-check",
      after: { ...asl3, stream: { mode: "release-then-check" } },
      expect: /stream mode hold-back -> release-then-check/,
    },
    {
      name: "more text held",
      after: { ...asl3, stream: { holdBackChars: 512 } },
      expect: /stream holdBackChars raised/,
    },
    {
      name: "the stream scored less often",
      after: { ...asl3, stream: { scoreEveryChars: 200 } },
      expect: /stream scoring interval raised 96 -> 200/,
    },
  ];

  it.each(rows)("$name", ({ before, after, expect: pattern }) => {
    const reasons = looseningReasons(resolve(before ?? asl3), resolve(after));
    if (pattern === null) expect(reasons).toEqual([]);
    else expect(reasons.join("\n")).toMatch(pattern);
  });
});
