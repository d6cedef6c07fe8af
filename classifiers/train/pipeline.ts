/**
 * Train one stage's model end to end: select rows, build examples, train, score val with the reference
 * forward pass, calibrate, and (optionally) write `model.onnx` + `manifest.json`.
 */
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { digestRows, readStageData } from "../data.ts";
import type { DataRow, LoadedRow, PromptRow } from "../data.ts";
import type { FeaturizerSettings } from "../featurize.ts";
import type { Manifest } from "../manifest.ts";
import type { ModelWeights } from "../model.ts";
import { exportOnnx } from "../onnx/export.ts";
import { createRng } from "../rng.ts";
import { STAGE_BAGS } from "../stage-input.ts";
import type { Stage } from "../types.ts";
import type { WindowSettings } from "../windows.ts";
import { CALIBRATION, CALIBRATION_SPLIT, calibrateWeights } from "./calibration.ts";
import type { CalibrationResult } from "./calibration.ts";
import {
  augmentContextSwap,
  augmentConversations,
  augmentDegenerate,
  augmentFirstSentence,
  augmentPrefixes,
  augmentPhrasing,
  augmentQuestions,
  buildExamples,
  stageLabels,
  toItems,
} from "./examples.ts";
import type { WeightOptions } from "./examples.ts";
import { trainModel } from "./trainer.ts";
import { augmentWindows } from "./window-augment.ts";
import type { WindowAugmentOptions } from "./window-augment.ts";

/** Hyper-parameters of one stage. */
export interface StageConfig {
  readonly featurizer: FeaturizerSettings;
  readonly dim: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly lrEmb: number;
  readonly lrDense: number;
  readonly batch: number;
  readonly weights: WeightOptions;
  /** Conversation stage: share of permissive train prompt rows turned into conversations (0 = none). */
  readonly augmentShare: number;
  /** Prompt stage: share of rows repeated with a how-to opener (see `augmentPhrasing`). @defaultValue 0 */
  readonly phraseShare?: number;
  /**
   * Prompt stage: extra share of *benign* rows repeated with a how-to / help-me opener: "How do I ..." openers
   * are 93% harmful in the permissive train rows, so adding them to both labels alike keeps the shortcut.
   * @defaultValue 0
   */
  readonly benignPhraseShare?: number;
  /** Prompt stage: share of long benign rows repeated as their first sentence (see `augmentFirstSentence`). @defaultValue 0 */
  readonly firstSentenceShare?: number;
  /** Prompt stage: share of short benign questions repeated in question form (see `augmentQuestions`). @defaultValue 0 */
  readonly questionShare?: number;
  /**
   * Label smoothing: targets become eps/2 and 1 - eps/2, so the heads stop pushing scores to exactly 0 or 1 on
   * the training pools (saturated scores tie at the top and leave calibration nothing to choose). @defaultValue 0
   */
  readonly labelSmoothing?: number;
  /** Completion stage: share of completions repeated beside a prompt of the other label (`augmentContextSwap`). @defaultValue 0 */
  readonly contextSwapShare?: number;
  /** Completion stage: share of completions repeated as a prefix (`augmentPrefixes`). @defaultValue 0 */
  readonly prefixShare?: number;
  /** Completion stage: share of benign completions repeated as degenerate text (`augmentDegenerate`). @defaultValue 0 */
  readonly degenerateShare?: number;
  /**
   * Windowed scoring (`windows.ts`): long inputs are also scored in windows; written into the manifest with the
   * window thresholds the calibration sets (`calibration.ts`). Its `thresholds` are ignored here (computed).
   * @defaultValue none (whole input only)
   */
  readonly windows?: WindowSettings;
  /** Window-shaped examples (`augmentWindows`). @defaultValue none */
  readonly windowAugment?: WindowAugmentOptions;
}

/** Options of a training run. */
export interface TrainStageOptions {
  readonly stage: Stage;
  readonly dataDir: string;
  /** Directory of the synthetic rows (`data/synthetic`); none are used when absent. */
  readonly syntheticDir?: string;
  /** Rows to leave out of training (leave-one-source-out, held-out synthetic batches). */
  readonly exclude?: (row: DataRow) => boolean;
  readonly config: StageConfig;
  readonly seed: number;
  /** Keep at most this many train rows (seeded sample) - for tests. */
  readonly limit?: number;
  /** Directory to write `model.onnx` + `manifest.json` into; nothing is written when absent. */
  readonly outDir?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

/** What a run produced. */
export interface TrainStageResult {
  readonly weights: ModelWeights;
  readonly manifest: Manifest;
  readonly onnx: Uint8Array;
}

/**
 * Permissive train rows (shared and synthetic) in file order, less the excluded ones, or a seeded sample of
 * `limit` of them (still in file order).
 */
function selectTrain(
  all: readonly LoadedRow[],
  o: Pick<TrainStageOptions, "limit" | "seed" | "exclude">,
): LoadedRow[] {
  const { limit, seed, exclude } = o;
  const train = all.filter((r) => r.row.permissive && r.row.split === "train" && !exclude?.(r.row));
  if (limit === undefined || train.length <= limit) return train;
  const rng = createRng(seed ^ 0x5bd1e995);
  const keyed = train.map((_, i) => ({ i, k: rng.next() }));
  keyed.sort((a, b) => a.k - b.k);
  const keep = keyed.slice(0, limit).map((x) => x.i);
  keep.sort((a, b) => a - b);
  return keep.map((i) => train[i] as LoadedRow);
}

/** The stage's training items (with the conversation augmentation) and the rows they came from. */
async function selectItems(o: TrainStageOptions, all: readonly LoadedRow[]) {
  const used = selectTrain(all, o);
  let items = toItems(o.stage, used);
  if ((o.config.phraseShare ?? 0) > 0)
    items = items.concat(augmentPhrasing(items, o.seed, o.config.phraseShare ?? 0));
  if ((o.config.firstSentenceShare ?? 0) > 0)
    items = items.concat(augmentFirstSentence(items, o.seed, o.config.firstSentenceShare ?? 0));
  if ((o.config.benignPhraseShare ?? 0) > 0) {
    const benign = items.filter((it) => !it.row.harmful && !it.source.startsWith("aug:"));
    items = items.concat(augmentPhrasing(benign, o.seed + 1, o.config.benignPhraseShare ?? 0));
  }
  if ((o.config.questionShare ?? 0) > 0)
    items = items.concat(augmentQuestions(items, o.seed, o.config.questionShare ?? 0));
  if ((o.config.contextSwapShare ?? 0) > 0)
    items = items.concat(augmentContextSwap(items, o.seed, o.config.contextSwapShare ?? 0));
  if ((o.config.prefixShare ?? 0) > 0)
    items = items.concat(augmentPrefixes(items, o.seed, o.config.prefixShare ?? 0));
  if ((o.config.degenerateShare ?? 0) > 0)
    items = items.concat(augmentDegenerate(items, o.seed, o.config.degenerateShare ?? 0));
  let digestSource = used;
  // Window-shaped copies of the rows as the stage sees them (for conversations, the prompt rows made into
  // conversations below count as rows too).
  const windowBase = items.filter((it) => !it.source.startsWith("aug:"));
  if (o.stage === "conversation" && o.config.augmentShare > 0) {
    const pUsed = selectTrain(await readStageData(o.dataDir, "prompt", o.syntheticDir), o);
    const aug = augmentConversations(
      pUsed.map((r) => r.row as PromptRow),
      o.seed,
      o.config.augmentShare,
    );
    items = items.concat(aug);
    windowBase.push(...aug);
    digestSource = used.concat(pUsed);
  }
  if (o.config.windowAugment)
    items = items.concat(augmentWindows(windowBase, o.seed, o.config.windowAugment));
  return { used, items, digestSource };
}

/** Trains one stage. */
export async function trainStage(o: TrainStageOptions): Promise<TrainStageResult> {
  const { stage, config } = o;
  const all = await readStageData(o.dataDir, stage, o.syntheticDir);
  const { used, items, digestSource } = await selectItems(o, all);
  const labels = stageLabels(stage);
  const examples = buildExamples(config.featurizer, items, labels, config.weights);
  const eps = config.labelSmoothing ?? 0;
  if (eps > 0)
    for (const e of examples)
      for (let k = 0; k < e.y.length; k++) e.y[k] = (e.y[k] ?? 0) * (1 - eps) + eps / 2;
  const weights = trainModel(examples, {
    labels,
    buckets: config.featurizer.buckets,
    bags: STAGE_BAGS[stage],
    dim: config.dim,
    hidden: config.hidden,
    epochs: config.epochs,
    lrEmb: config.lrEmb,
    lrDense: config.lrDense,
    batch: config.batch,
    seed: o.seed,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const onnx = exportOnnx(weights, { stage });
  const manifest = buildManifest(o, {
    weights,
    ...calibrateWeights({ ...o, windows: config.windows }, config.featurizer, all, weights),
    dataDigest: digestRows(digestSource),
    rows: used.length,
    examples: examples.length,
    onnx,
  });
  if (o.outDir) {
    await mkdir(o.outDir, { recursive: true });
    await writeFile(join(o.outDir, "model.onnx"), onnx);
    await writeFile(join(o.outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return { weights, manifest, onnx };
}

interface ManifestParts extends CalibrationResult {
  readonly weights: ModelWeights;
  readonly dataDigest: string;
  readonly rows: number;
  readonly examples: number;
  readonly onnx: Uint8Array;
}

function buildManifest(o: TrainStageOptions, p: ManifestParts): Manifest {
  const { stage, config } = o;
  return {
    name: `portcullis-${stage}`,
    version: "1.0.0",
    stage,
    kind: "embedding-bag",
    labels: [...p.weights.labels],
    featurizer: { ...config.featurizer },
    architecture: { bags: p.weights.bags, dim: p.weights.dim, hidden: p.weights.hidden },
    ...(p.windows ? { windows: p.windows } : {}),
    thresholds: p.thresholds,
    calibration: {
      flagFpr: CALIBRATION[stage].flagFpr,
      blockFpr: CALIBRATION[stage].blockFpr,
      rows: p.benignRows,
      split: CALIBRATION_SPLIT,
    },
    training: {
      dataDigest: p.dataDigest,
      rows: p.rows,
      examples: p.examples,
      seed: o.seed,
      hyper: {
        dim: config.dim,
        hidden: config.hidden,
        epochs: config.epochs,
        lrEmb: config.lrEmb,
        lrDense: config.lrDense,
        batch: config.batch,
        sourcePower: config.weights.sourcePower,
        weakFactor: config.weights.weakFactor,
        harmfulShare: config.weights.harmfulShare,
        augmentFactor: config.weights.augmentFactor ?? 1,
        augmentShare: config.augmentShare,
        phraseShare: config.phraseShare ?? 0,
        questionShare: config.questionShare ?? 0,
        benignPhraseShare: config.benignPhraseShare ?? 0,
        firstSentenceShare: config.firstSentenceShare ?? 0,
        labelSmoothing: config.labelSmoothing ?? 0,
        contextSwapShare: config.contextSwapShare ?? 0,
        degenerateShare: config.degenerateShare ?? 0,
        prefixShare: config.prefixShare ?? 0,
        windowAugmentTokens: config.windowAugment?.tokens ?? 0,
        windowPaddedShare: config.windowAugment?.paddedShare ?? 0,
        windowCropShare: config.windowAugment?.cropShare ?? 0,
        sourceFactors: JSON.stringify(config.weights.sourceFactors ?? {}),
      },
    },
    eval: p.eval,
    files: { model: "model.onnx", modelSha256: createHash("sha256").update(p.onnx).digest("hex") },
  };
}
