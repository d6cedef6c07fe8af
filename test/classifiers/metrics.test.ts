import { describe, expect, it } from "vitest";
import { calibrate } from "../../classifiers/calibrate.ts";
import { auprc, auroc, rateAtOrAbove, recallAtFpr, thresholdAtFpr } from "../../classifiers/metrics.ts";

describe("metrics", () => {
  it("computes AUROC with ties and AUPRC", () => {
    expect(auroc([0.9, 0.8], [0.1, 0.2])).toBe(1);
    expect(auroc([0.1], [0.9])).toBe(0);
    expect(auroc([0.5], [0.5])).toBe(0.5);
    expect(auprc([0.9, 0.7], [0.8])).toBeCloseTo((1 + 2 / 3) / 2);
  });

  it("finds the threshold for a target FPR", () => {
    const neg = Array.from({ length: 100 }, (_, i) => i / 100);
    const t = thresholdAtFpr(neg, 0.02);
    expect(rateAtOrAbove(neg, t)).toBeLessThanOrEqual(0.02);
    expect(rateAtOrAbove(neg, t - 0.011)).toBeGreaterThan(0.02);
    expect(recallAtFpr([0.995, 0.5], neg, 0.01)).toBe(0.5);
  });

  it("calibrates per key so the union of keys also stays under the target", () => {
    const n = 1000;
    const a = Array.from({ length: n }, (_, i) => (i % 97) / 97);
    const b = Array.from({ length: n }, (_, i) => ((i * 31) % 89) / 89);
    const th = calibrate(
      { harmful: a, attack: b },
      { flagFpr: 0.02, blockFpr: 0.005, floor: { flag: 0, block: 0 } },
    );
    const union = (level: "flag" | "block") =>
      a.filter((x, i) => x >= (th.harmful?.[level] ?? 1) || (b[i] ?? 0) >= (th.attack?.[level] ?? 1)).length /
      n;
    expect(union("flag")).toBeLessThanOrEqual(0.02);
    expect(union("flag")).toBeGreaterThan(0.005);
    expect(union("block")).toBeLessThanOrEqual(0.005);
    expect(th.harmful?.block).toBeGreaterThanOrEqual(th.harmful?.flag ?? 2);
  });
});
