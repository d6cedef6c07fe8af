import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStageRows } from "../../classifiers/data.ts";
import { importOnnxWeights } from "../../classifiers/onnx/export.ts";
import { createOnnxClassifier, toScores } from "../../classifiers/onnx-classifier.ts";
import type { OnnxClassifier } from "../../classifiers/onnx-classifier.ts";
import { createRng } from "../../classifiers/rng.ts";
import { inputToBagTexts, rowToClassifierInput } from "../../classifiers/stage-input.ts";
import { recalibrateStage } from "../../classifiers/train/calibration.ts";
import { STAGE_CONFIGS } from "../../classifiers/train/config.ts";
import type { StageConfig } from "../../classifiers/train/pipeline.ts";
import { trainStage } from "../../classifiers/train/pipeline.ts";
import type { ClassifierInput, Scores, Stage } from "../../classifiers/types.ts";
import { featurizeBags, wholeForward } from "../../classifiers/windows.ts";

const DATA = join(import.meta.dirname, "../fixtures/classifiers/data");
const signal = new AbortController().signal;
const small = (stage: Stage): StageConfig => ({
  ...STAGE_CONFIGS[stage],
  featurizer: { ...STAGE_CONFIGS[stage].featurizer, buckets: 1 << 12 },
  dim: 8,
  hidden: 16,
  epochs: 3,
  augmentShare: stage === "conversation" ? 0.3 : 0,
});

function maxDiff(a: Scores, b: Scores): number {
  return Math.max(
    ...Object.keys(a).map((k) => Math.abs((a[k as keyof Scores] ?? 0) - (b[k as keyof Scores] ?? NaN))),
  );
}

describe("train -> export -> serve -> parity -> calibrate (fixture sample)", () => {
  let out = "";
  const models: Partial<Record<Stage, OnnxClassifier>> = {};
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "portcullis-train-"));
    for (const stage of ["prompt", "completion", "conversation"] as const) {
      await trainStage({ stage, dataDir: DATA, config: small(stage), seed: 7, outDir: join(out, stage) });
      models[stage] = await createOnnxClassifier({ dir: join(out, stage) });
    }
  }, 60_000);
  afterAll(async () => {
    for (const m of Object.values(models)) await m.close?.();
    await rm(out, { recursive: true, force: true });
  });

  it("is reproducible: same data and seed give byte-identical model files", async () => {
    const again = await trainStage({ stage: "prompt", dataDir: DATA, config: small("prompt"), seed: 7 });
    const first = await readFile(join(out, "prompt", "model.onnx"));
    expect(Buffer.compare(Buffer.from(again.onnx), first)).toBe(0);
  });

  it.each(["prompt", "completion", "conversation"] as const)(
    "%s: ONNX scores equal the reference forward pass to 1e-5",
    async (stage) => {
      const clf = models[stage];
      if (!clf) throw new Error("model missing");
      const rows = (await readStageRows(DATA, stage)).map((r) => r.row);
      const inputs = rows.slice(0, 60).flatMap((r) => rowToClassifierInput(stage, r) ?? []);
      expect(inputs.length).toBe(60);
      for (const input of inputs) {
        const res = await clf.classify(input, signal);
        expect(res.ok).toBe(true);
        if (res.ok) expect(maxDiff(res.value, clf.scoreReference(input))).toBeLessThan(1e-5);
      }
    },
  );

  it.each(["prompt", "completion", "conversation"] as const)(
    "%s: long inputs (windows, past the token cap) score the same in ONNX + windows as in the reference",
    async (stage) => {
      const clf = models[stage];
      if (!clf) throw new Error("model missing");
      expect(clf.manifest.windows?.thresholds).toBeDefined();
      const rows = (await readStageRows(DATA, stage)).map((r) => r.row);
      const inputs = rows.slice(0, 40).flatMap((r) => rowToClassifierInput(stage, r) ?? []);
      const long = (i: number): ClassifierInput => {
        const parts = inputs.slice(i, i + 30);
        const text = parts.map((p) => p.text).join("\n\n");
        if (stage === "conversation") {
          const turns = parts.flatMap((p) => p.turns ?? []);
          return { stage, text, turns: [...turns, { role: "user", text }] };
        }
        return { ...(inputs[i] as ClassifierInput), text };
      };
      for (const i of [0, 5, 10]) {
        const input = long(i);
        const res = await clf.classify(input, signal);
        expect(res.ok).toBe(true);
        if (res.ok) expect(maxDiff(res.value, clf.scoreReference(input))).toBeLessThan(1e-5);
      }
    },
  );

  it("recalibrating a trained model without retraining gives the manifest training wrote", async () => {
    for (const stage of ["prompt", "conversation"] as const) {
      const dir = await mkdtemp(join(tmpdir(), "portcullis-recal-"));
      await cp(join(out, stage), dir, { recursive: true });
      const again = await recalibrateStage({ stage, dataDir: DATA, windows: small(stage).windows, dir });
      expect(again).toEqual(models[stage]?.manifest);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("writes a manifest with calibrated thresholds for every label, digest and eval figures", () => {
    for (const m of Object.values(models)) {
      expect(Object.keys(m.manifest.thresholds).sort()).toEqual([...m.manifest.labels].sort());
      for (const t of Object.values(m.manifest.thresholds)) expect(t.block).toBeGreaterThanOrEqual(t.flag);
      expect(m.manifest.training.dataDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(m.manifest.eval["harmful_auroc"]).toBeGreaterThan(0.5);
    }
    expect(models.completion?.manifest.labels).not.toContain("attack");
  });

  it("streams a completion: incremental scores after all deltas equal the full-text scores", async () => {
    const clf = models.completion;
    if (!clf) throw new Error("model missing");
    // The stream scorer's contract is with the whole-input score (its own recent window instead of `windows`).
    const weights = importOnnxWeights(
      await readFile(join(out, "completion", "model.onnx")),
      clf.manifest.labels,
    );
    const wholeScore = (input: ClassifierInput): Scores =>
      toScores(
        weights.labels,
        wholeForward(weights, featurizeBags(clf.manifest.featurizer, undefined, inputToBagTexts(input))),
      );
    const rng = createRng(3);
    const rows = (await readStageRows(DATA, "completion")).map((r) => r.row).slice(0, 20);
    for (const row of rows) {
      const input = rowToClassifierInput("completion", row) as ClassifierInput;
      const scorer = clf.createStreamScorer(input.context ?? "");
      let last: Scores = {};
      for (let at = 0; at < input.text.length;) {
        const n = 1 + rng.int(40);
        const res = await scorer.update(input.text.slice(at, at + n), signal);
        if (res.ok) last = res.value;
        at += n;
      }
      if (input.text.length === 0) continue;
      const full = { value: wholeScore(input) };
      // Up to the recent window (~700 chars) the stream equals the full text; past it, it is the max of the
      // running mean and the window mean, so never below the full-text score.
      if (input.text.length < 500) expect(maxDiff(full.value, last)).toBeLessThan(1e-5);
      for (const [k, v] of Object.entries(full.value))
        expect(last[k as keyof Scores] ?? 0).toBeGreaterThan(v - 1e-5);
    }
  });

  it("streams at a flat cost per update however long the completion already is", async () => {
    const clf = models.completion;
    if (!clf) throw new Error("model missing");
    const scorer = clf.createStreamScorer("how do I do it?");
    const delta = "Step one: take the reagent and heat it slowly, then ";
    const work: number[] = [];
    for (let i = 0; i < 90; i++) {
      await scorer.update(delta, signal);
      work.push(scorer.lastUpdateFeatures);
    }
    // Before the token cap (maxTokens) the late updates hash as many features as the early ones.
    const early = Math.max(...work.slice(1, 20));
    const late = work.slice(60, 90);
    expect(Math.max(...late)).toBeLessThanOrEqual(early);
    expect(Math.min(...late)).toBeGreaterThan(10);
  });
});
