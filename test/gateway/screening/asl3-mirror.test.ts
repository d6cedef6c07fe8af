import { describe, expect, it } from "vitest";
import { asl3Action } from "../../../classifiers/eval/asl3.ts";
import { createRng } from "../../../classifiers/rng.ts";
import { SCORE_KEYS } from "../../../classifiers/types.ts";
import type { ScoreKey, Scores, Stage } from "../../../classifiers/types.ts";
import { decide } from "../../../gateway/screening/decide.ts";
import { thresholdsFor } from "../../../gateway/screening/presets.ts";

// The evaluation reports the asl3 action from a model's scores with a copy of the preset's mapping
// (classifiers/ may not import the gateway); this keeps the copy honest.
describe("the eval's asl3 action equals the gateway's asl3 preset on a model's scores", () => {
  const calibrated: Partial<Record<ScoreKey, { flag: number; block: number }>> = {};
  const rng = createRng(42);
  for (const k of SCORE_KEYS) {
    const flag = 0.5 + rng.next() * 0.3;
    calibrated[k] = { flag, block: Math.min(1, flag + rng.next() * 0.3) };
  }
  for (const stage of ["prompt", "conversation", "completion"] as Stage[]) {
    it(stage, () => {
      const th = thresholdsFor(stage, [{ name: "m", kind: "onnx", stage, thresholds: calibrated }], true);
      const actions = new Set<string>();
      for (let i = 0; i < 3000; i++) {
        const scores: Scores = {};
        for (const k of SCORE_KEYS) scores[k] = rng.next() < 0.85 ? rng.next() * 0.5 : rng.next();
        const gateway = decide(scores, th).action;
        expect(asl3Action(stage, scores, calibrated), JSON.stringify(scores)).toBe(gateway);
        actions.add(gateway);
      }
      expect([...actions].sort()).toEqual(["allow", "block", "flag"]);
    });
  }
});
