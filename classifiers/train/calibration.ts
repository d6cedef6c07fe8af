/**
 * Calibration of trained weights (DESIGN section 4): the thresholds of the whole-input scores and, for a model
 * with windowed scoring (`windows.ts`), of the window scores; the headline val figures; and recalibration of a
 * model already written, without retraining it (`npm run train -- --calibrate-only`).
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { calibrate } from "../calibrate.ts";
import { readStageData } from "../data.ts";
import type { DataRow, LoadedRow } from "../data.ts";
import { isRealisticBenign, realisticHalf } from "../eval/realistic.ts";
import type { FeaturizerSettings } from "../featurize.ts";
import { readManifest } from "../manifest.ts";
import type { Manifest } from "../manifest.ts";
import type { ModelWeights } from "../model.ts";
import { importOnnxWeights } from "../onnx/export.ts";
import { inputToBagTexts } from "../stage-input.ts";
import type { ScoreKey, Stage } from "../types.ts";
import { combineWindowScores } from "../window-scale.ts";
import type { Thresholds } from "../window-scale.ts";
import { createWindowScorer, featurizeBags, wholeForward } from "../windows.ts";
import type { BagScratch, WindowSettings } from "../windows.ts";
import { toItems } from "./examples.ts";
import type { LabelledInput } from "./examples.ts";
import { summarize } from "./summary.ts";

/**
 * Calibration targets (issue 9): on the request stages the action fires on <= 1% and blocks <= 0.2% of benign
 * traffic; the completion stage, which judges whole answers (a false flag there costs one answer, not a user's
 * request), on <= 2% and 0.5%. The benign rows are the calibration half of the realistic benign set (real traffic
 * the model never trained on, including non-permissive eval-only sources, whose rows set thresholds and are never
 * trained on) plus the permissive benign `val` rows (domain QA and the synthetic look-alikes and everyday prompts
 * of the val split). The window thresholds are set to the same targets on those of the rows that have at least
 * `windows.minWindows` windows: a long benign text is flagged by its windows at most as often as a benign input is
 * by its whole-input score. (The more windows, the more chances for one to fire: calibrated on every row with a
 * window, the prompt model's 16-token windows flagged 3.9% of realistic prompts over 256 tokens.) With fewer than
 * `MIN_WINDOW_ROWS` such rows the window thresholds are the whole-input ones (a model whose windows are as long as
 * its token cap, such as the conversation model's, has almost none).
 */
export const CALIBRATION: Record<Stage, { readonly flagFpr: number; readonly blockFpr: number }> = {
  prompt: { flagFpr: 0.01, blockFpr: 0.002 },
  conversation: { flagFpr: 0.01, blockFpr: 0.002 },
  completion: { flagFpr: 0.02, blockFpr: 0.005 },
};
export const CALIBRATION_SPLIT = "realistic benign (calibration half) + permissive benign val";

/** Fewest calibration rows with windows that set window thresholds of their own (see `CALIBRATION`). */
export const MIN_WINDOW_ROWS = 200;

/** Whether a row is among the benign rows the thresholds are calibrated on. */
export function isCalibrationRow(row: DataRow): boolean {
  if (row.harmful) return false;
  if (isRealisticBenign(row)) return realisticHalf(row) === "calibration";
  return row.permissive && row.split === "val";
}

/** Reference scores of inputs: the whole-input probabilities and the raw window maximum (null: no windows). */
export interface ScoreParts {
  readonly whole: Float64Array[];
  readonly windows: (Float64Array | null)[];
  /** Windows scored per input (0 when it fits in one). */
  readonly windowCounts: number[];
}

/** Scores inputs with the reference forward pass, whole and (with `windows`) per window, as `classify` does. */
export function scoreParts(
  w: ModelWeights,
  settings: FeaturizerSettings,
  items: readonly LabelledInput[],
  windows?: WindowSettings,
): ScoreParts {
  const scratch: BagScratch = [];
  const out: ScoreParts = { whole: [], windows: [], windowCounts: [] };
  const scorer = windows ? createWindowScorer(w, windows) : undefined;
  for (const it of items) {
    const bags = featurizeBags(settings, windows, inputToBagTexts(it.input), scratch);
    out.whole.push(wholeForward(w, bags));
    let n = 0;
    out.windows.push(scorer?.score(bags, () => n++)?.slice() ?? null);
    out.windowCounts.push(n);
  }
  return out;
}

/** The scores `classify` returns, from their parts and the thresholds (window scores mapped, then the max). */
export function combineParts(
  labels: readonly ScoreKey[],
  parts: ScoreParts,
  thresholds: { readonly whole: Thresholds; readonly windows?: Thresholds | undefined },
): Float64Array[] {
  return parts.whole.map((whole, i) =>
    combineWindowScores(labels, whole, parts.windows[i] ?? null, thresholds),
  );
}

/**
 * Scores inputs as a model whose manifest has `windows` and `thresholds` is served (reference forward pass): one
 * probability array per input, in label order.
 */
export function scoreReference(
  w: ModelWeights,
  settings: FeaturizerSettings,
  items: readonly LabelledInput[],
  served: { readonly windows?: WindowSettings | undefined; readonly thresholds: Thresholds },
): Float64Array[] {
  const parts = scoreParts(w, settings, items, served.windows);
  return combineParts(w.labels, parts, { whole: served.thresholds, windows: served.windows?.thresholds });
}

/** What calibration gives: thresholds, how many benign rows set them, window settings, headline val figures. */
export interface CalibrationResult {
  readonly thresholds: Manifest["thresholds"];
  readonly windows?: NonNullable<Manifest["windows"]>;
  readonly benignRows: number;
  readonly eval: Manifest["eval"];
}

function thresholdsOf(
  labels: readonly ScoreKey[],
  scores: readonly Float64Array[],
  stage: Stage,
): Thresholds {
  const benign: Partial<Record<ScoreKey, number[]>> = {};
  labels.forEach((key, k) => {
    benign[key] = scores.map((p) => p[k] ?? 0);
  });
  return calibrate(benign, CALIBRATION[stage]);
}

/**
 * Calibrates trained weights: scores the benign calibration rows and the permissive val rows with the reference
 * forward pass (whole, and windowed as `config.windows` says), sets the whole-input thresholds on the whole scores
 * and the window thresholds on the window maxima of the rows that have windows (`CALIBRATION` targets both), and
 * summarizes val as served. Used after training and by `recalibrateStage`.
 */
export function calibrateWeights(
  o: {
    readonly stage: Stage;
    /** Window settings (thresholds are computed); none = whole-input scoring only. */
    readonly windows?: WindowSettings | undefined;
    readonly exclude?: ((row: DataRow) => boolean) | undefined;
  },
  featurizer: FeaturizerSettings,
  all: readonly LoadedRow[],
  weights: ModelWeights,
): CalibrationResult {
  const { stage } = o;
  const labels = weights.labels;
  const rows = (f: (row: DataRow) => boolean) =>
    toItems(
      stage,
      all.filter((r) => f(r.row) && !o.exclude?.(r.row)),
    );
  const ws = o.windows;
  const calib = scoreParts(weights, featurizer, rows(isCalibrationRow), ws);
  const thresholds = thresholdsOf(labels, calib.whole, stage);
  const minWindows = ws?.minWindows ?? 1;
  const long = calib.windows.filter(
    (p, i): p is Float64Array => p !== null && (calib.windowCounts[i] ?? 0) >= minWindows,
  );
  const windows = ws
    ? {
        tokens: ws.tokens,
        stride: ws.stride,
        bags: [...ws.bags],
        minWindows,
        thresholds: long.length >= MIN_WINDOW_ROWS ? thresholdsOf(labels, long, stage) : thresholds,
      }
    : undefined;
  const val = rows((r) => r.permissive && r.split === "val");
  const valScores = combineParts(labels, scoreParts(weights, featurizer, val, ws), {
    whole: thresholds,
    windows: windows?.thresholds,
  });
  return {
    thresholds,
    ...(windows ? { windows } : {}),
    benignRows: calib.whole.length,
    eval: {
      ...summarize(stage, labels, val, valScores, thresholds),
      windowCalibrationRows: ws ? long.length : null,
    },
  };
}

/** Options of `recalibrateStage`. */
export interface RecalibrateOptions {
  readonly stage: Stage;
  readonly dataDir: string;
  readonly syntheticDir?: string;
  /** Window settings of the stage's config (`StageConfig.windows`). */
  readonly windows?: WindowSettings | undefined;
  /** Model directory (`model.onnx` + `manifest.json`); its manifest is rewritten, `model.onnx` is not touched. */
  readonly dir: string;
}

/**
 * Recomputes the thresholds (and the window settings and val figures that go with them) of an existing model from
 * the given window settings, leaving `model.onnx` as it is: what `npm run train -- --calibrate-only` runs. Gives the manifest a
 * training run with the same config and data would give.
 */
export async function recalibrateStage(o: RecalibrateOptions): Promise<Manifest> {
  const old = await readManifest(o.dir);
  if (old.stage !== o.stage) throw new Error(`${o.dir}: manifest is for stage ${old.stage}, not ${o.stage}`);
  const bytes = await readFile(join(o.dir, old.files.model));
  if (createHash("sha256").update(bytes).digest("hex") !== old.files.modelSha256)
    throw new Error(`${o.dir}: model file does not match manifest sha256`);
  const weights = importOnnxWeights(bytes, old.labels);
  const all = await readStageData(o.dataDir, o.stage, o.syntheticDir);
  const cal = calibrateWeights(o, old.featurizer, all, weights);
  // Same key order as a trained manifest, so the file diff shows only what changed.
  const manifest: Manifest = {
    name: old.name,
    version: old.version,
    stage: old.stage,
    kind: old.kind,
    labels: old.labels,
    featurizer: old.featurizer,
    architecture: old.architecture,
    ...(cal.windows ? { windows: cal.windows } : {}),
    thresholds: cal.thresholds,
    calibration: { ...old.calibration, ...CALIBRATION[o.stage], rows: cal.benignRows },
    training: old.training,
    eval: cal.eval,
    files: old.files,
  };
  await writeFile(join(o.dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
