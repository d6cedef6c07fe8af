/** The cascade: tiers, the uncertain band, per-key thresholds and actions, deadlines and fail modes. */
import { describe, expect, it } from "vitest";
import { ok, type Classifier, type Scores } from "../../classifiers/types.ts";
import type { StagePolicy } from "../../config/schema.ts";
import { createMetrics } from "../../gateway/observability/metrics.ts";
import { decide } from "../../gateway/screening/decide.ts";
import { createScreener } from "../../gateway/screening/screener.ts";

function fixed(name: string, scores: Scores, delayMs = 0): Classifier & { calls: number } {
  const c = {
    name,
    kind: "rules" as const,
    calls: 0,
    classify: () => {
      c.calls++;
      return delayMs === 0
        ? Promise.resolve(ok(scores))
        : new Promise<ReturnType<typeof ok<Scores>>>((r) => setTimeout(() => r(ok(scores)), delayMs));
    },
  };
  return c;
}

const policy = (over: Partial<StagePolicy> = {}): StagePolicy => ({
  enabled: true,
  cascade: [["cheap"], ["judge"]],
  uncertain: { low: 0.4, high: 0.8 },
  thresholds: { harmful: { flag: 0.5, block: 0.9 }, cbrn: { block: 0.2 }, attack: { shadow: 0.3 } },
  deadlineMs: 100,
  failMode: "closed",
  ...over,
});

const input = { stage: "prompt" as const, text: "x" };

function screener(...cs: Classifier[]) {
  return createScreener({
    classifiers: new Map(cs.map((c) => [c.name, c])),
    metrics: createMetrics({ collectDefaults: false }),
  });
}

describe("decide", () => {
  it("maps each key's score to the strongest action it crosses", () => {
    const d = decide({ harmful: 0.6, cbrn: 0.25, attack: 0.35 }, policy().thresholds);
    expect(d.action).toBe("block");
    expect(d.fired).toEqual([
      { key: "harmful", score: 0.6, action: "flag" },
      { key: "cbrn", score: 0.25, action: "block" },
      { key: "attack", score: 0.35, action: "shadow" },
    ]);
    expect(decide({ harmful: 0.1 }, policy().thresholds).action).toBe("allow");
  });
});

describe("cascade", () => {
  it("stops at the first tier when its scores are certain", async () => {
    const cheap = fixed("cheap", { harmful: 0.05 });
    const judge = fixed("judge", { harmful: 1 });
    const out = await screener(cheap, judge).runStage(
      "prompt",
      policy(),
      input,
      new AbortController().signal,
    );
    expect(out.action).toBe("allow");
    expect(judge.calls).toBe(0);
  });

  it("escalates an uncertain score to the next tier, whose higher scores raise the action", async () => {
    const cheap = fixed("cheap", { harmful: 0.6 });
    const judge = fixed("judge", { harmful: 0.95 });
    const out = await screener(cheap, judge).runStage(
      "prompt",
      policy(),
      input,
      new AbortController().signal,
    );
    expect(judge.calls).toBe(1);
    expect(out.action).toBe("block");
    expect(out.classifiers.map((c) => c.name)).toEqual(["cheap", "judge"]);
  });

  it("keeps the higher score per key when a later tier scores lower (issue 10, item 6)", async () => {
    // The reported loosening: a second tier (the conversation model) added to the prompt stage scored the prompt
    // lower; its scores replaced the first tier's, and a blocked prompt became a flag and was forwarded.
    const cheap = fixed("cheap", { cbrn: 0.9, harmful: 0.6 });
    const lenient = fixed("lenient", { cbrn: 0.01, harmful: 0.55 });
    const out = await screener(cheap, lenient).runStage(
      "prompt",
      policy({ cascade: [["cheap"], ["lenient"]] }),
      input,
      new AbortController().signal,
    );
    expect(lenient.calls).toBe(1);
    expect(out.action).toBe("block");
    expect(out.scores).toMatchObject({ cbrn: 0.9, harmful: 0.6 });
  });

  it("lets a later tier lower scores only with the explicit `combine: replace`", async () => {
    const cheap = fixed("cheap", { cbrn: 0.9, harmful: 0.6 });
    const lenient = fixed("lenient", { cbrn: 0.01, harmful: 0.55 });
    const out = await screener(cheap, lenient).runStage(
      "prompt",
      policy({ cascade: [["cheap"], ["lenient"]], combine: "replace" }),
      input,
      new AbortController().signal,
    );
    expect(out.action).toBe("flag");
    expect(out.scores).toMatchObject({ cbrn: 0.01, harmful: 0.55 });
  });

  it("fail-closed blocks when a classifier misses the stage deadline; fail-open keeps the others' verdict", async () => {
    const cheap = fixed("cheap", { harmful: 0.1 });
    const slow = fixed("slow", { harmful: 0 }, 1000);
    const p = policy({ cascade: [["cheap", "slow"]], deadlineMs: 50 });
    const closed = await screener(cheap, slow).runStage("prompt", p, input, new AbortController().signal);
    expect(closed).toMatchObject({ action: "block", failMode: "closed" });
    expect(closed.classifiers.find((c) => c.name === "slow")?.error).toBe("timeout");
    const open = await screener(cheap, slow).runStage(
      "prompt",
      { ...p, failMode: "open" },
      input,
      new AbortController().signal,
    );
    expect(open).toMatchObject({ action: "allow", failMode: "open" });
  });
});

describe("labels", () => {
  it("lists label-only keys as incident categories only when another key triggered an action", () => {
    const thresholds = { harmful: { flag: 0.5 }, crime: { label: 0.2 } };
    expect(decide({ harmful: 0.1, crime: 0.9 }, thresholds)).toEqual({ action: "allow", fired: [] });
    expect(decide({ harmful: 0.7, crime: 0.3 }, thresholds)).toEqual({
      action: "flag",
      fired: [
        { key: "harmful", score: 0.7, action: "flag" },
        { key: "crime", score: 0.3, action: "allow" },
      ],
    });
  });
});

describe("policy resolution", () => {
  const infos = [
    { name: "rules", kind: "rules" as const },
    {
      name: "prompt-model",
      kind: "onnx" as const,
      stage: "prompt" as const,
      thresholds: { harmful: { flag: 0.97, block: 0.999 }, crime: { flag: 0.2, block: 0.6 } },
    },
  ];

  it("uses the model's calibrated thresholds when the model is in the stage's cascade", async () => {
    const { resolvePolicies } = await import("../../gateway/screening/policy.ts");
    const p = resolvePolicies({ p: { preset: "asl3", version: "1", stages: {}, stream: {} } }, infos).get(
      "p",
    );
    expect(p?.stages.prompt.cascade).toEqual([["rules", "prompt-model"]]);
    // Request stages: harmful alone flags, a confident category blocks; the completion stage blocks on harmful.
    expect(p?.stages.prompt.thresholds.harmful).toEqual({ flag: 0.97 });
    expect(p?.stages.prompt.thresholds.crime).toEqual({ label: 0.2, block: 0.9 });
  });

  it("falls back to rules-only thresholds when an override drops the model from the cascade", async () => {
    const { resolvePolicies } = await import("../../gateway/screening/policy.ts");
    const stages = { prompt: { cascade: [["rules"]] } };
    const p = resolvePolicies({ p: { preset: "asl3", version: "1", stages, stream: {} } }, infos).get("p");
    expect(p?.stages.prompt.thresholds.harmful).toEqual({ flag: 0.5, block: 0.95 });
    expect(p?.stages.prompt.thresholds.crime).toBeUndefined();
  });
});
