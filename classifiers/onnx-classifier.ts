/**
 * The trained embedding-bag models served with onnxruntime-node (DESIGN section 4, "trained ONNX models").
 *
 * Inline vs worker pool (CONVENTIONS 9): measured with `npm run bench:micro` (2025-11-23, shared AMD EPYC
 * 2-vCPU machine under load, Node 20.20): whole `classify` (featurize + `InferenceSession.run`) for the prompt
 * model p50 92 us / p99 358 us at 200 chars, p50 289 us / p99 963 us at 2 KB; a completion stream update
 * p50 13 us / p99 49 us. Most of that is featurization in JS, which a worker would only move, at the price of
 * a postMessage round trip and a copy per call; the native run itself is tens of microseconds. So these models
 * run inline; the transformer kind (milliseconds per run) uses the worker pool in `transformer/pool.ts`.
 *
 * Windowed scoring (`windows.ts`, models whose manifest has `windows`) makes the cost grow with the text instead of
 * stopping at the token cap: `npm run bench:micro` (2026-12-02, same machine, noisy) prompt model p50 75 us at 200
 * chars (25 us before), 460 us at 2 KB (190 us), 3.2 ms at 16 KB (0.4 ms), 23-27 ms at 100 KB (1.2-1.5 ms); the
 * completion model ~21 ms and the conversation model ~30 ms at 100 KB. Linear, about 0.25 ms per KB, almost all of
 * it summing embedding rows in JS. That still fits inline for ordinary requests; the gateway's text-length cap
 * bounds the rest (a 100 KB input holds the event loop for ~25 ms).
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { join } from "node:path";
import type { InferenceSession } from "onnxruntime-node";
import { createFeatureCursor, createIdList, featurizeText } from "./featurize.ts";
import type { FeaturizerSettings } from "./featurize.ts";
import { readManifest } from "./manifest.ts";
import type { Manifest } from "./manifest.ts";
import { fixedTailHead, inputWidth, poolMean } from "./model.ts";
import type { ModelWeights } from "./model.ts";
import { importOnnxWeights } from "./onnx/export.ts";
import { inputToBagTexts } from "./stage-input.ts";
import { err, ok } from "./types.ts";
import type {
  Classifier,
  ClassifierError,
  ClassifierInput,
  Result,
  ScoreKey,
  Scores,
  StreamScorer,
} from "./types.ts";
import { combineWindowScores } from "./window-scale.ts";
import { createWindowScorer, featurizeBags, windowedForward } from "./windows.ts";
import type { BagFeatures, BagScratch } from "./windows.ts";

/** Options of `createOnnxClassifier`. */
export interface OnnxClassifierOptions {
  /** Model directory holding `model.onnx` and `manifest.json`. */
  readonly dir: string;
  /** Classifier name. @defaultValue the manifest's `name` */
  readonly name?: string;
}

/** A stream scorer that also reports how many features its last update hashed (to prove flat cost). */
export interface OnnxStreamScorer extends StreamScorer {
  readonly lastUpdateFeatures: number;
}

/** A trained-model classifier plus its manifest (calibrated thresholds) and reference path. */
export interface OnnxClassifier extends Classifier {
  readonly manifest: Manifest;
  /** Thresholds per key, from the manifest. */
  readonly thresholds: Manifest["thresholds"];
  createStreamScorer(context: string): OnnxStreamScorer;
  /** The TypeScript reference forward pass (same weights, no ONNX) - for parity checks. */
  scoreReference(input: ClassifierInput): Scores;
}

const failed = (message: string, cause: unknown): ClassifierError => ({
  code: "failed",
  message,
  retryable: false,
  cause,
});
const aborted: ClassifierError = { code: "aborted", message: "classification aborted", retryable: false };

/** Maps a probability vector in label order to `Scores`. */
export function toScores(labels: readonly ScoreKey[], probs: ArrayLike<number>): Scores {
  const out: Scores = {};
  labels.forEach((key, k) => {
    out[key] = probs[k] ?? 0;
  });
  return out;
}

/**
 * Loads a model directory once: validates the manifest (zod), checks the model file's sha256, creates one
 * onnxruntime session (single-threaded; the model is tiny) and reads the weights for the streaming path.
 */
export async function createOnnxClassifier(opts: OnnxClassifierOptions): Promise<OnnxClassifier> {
  const manifest = await readManifest(opts.dir);
  const modelPath = join(opts.dir, manifest.files.model);
  // Hashed as a stream and loaded by path: holding the whole file in a JS buffer as well left ~16 MB more
  // resident per process (measured with three sessions: 177 -> 161 MB).
  const sha = createHash("sha256");
  for await (const chunk of createReadStream(modelPath)) sha.update(chunk as Buffer);
  if (sha.digest("hex") !== manifest.files.modelSha256)
    throw new Error(`${opts.dir}: model file does not match manifest sha256`);
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  // JS copies of the weights serve the window scores, the incremental stream scorer and the parity reference.
  // A model with windows or a stream scorer loads them now (decoding 16 MB takes tens of milliseconds, which no
  // request should wait for); one with neither only on first use of the reference (saves 8-16 MB RSS).
  const readWeights = (): ModelWeights => importOnnxWeights(readFileSync(modelPath), manifest.labels);
  const windows = manifest.windows;
  let weights = manifest.stage === "completion" || windows ? readWeights() : undefined;
  const weightsOf = (): ModelWeights => (weights ??= readWeights());
  const windowScorer = windows ? createWindowScorer(weightsOf(), windows) : undefined;
  const settings: FeaturizerSettings = manifest.featurizer;
  const scratch: BagScratch = [];
  const name = opts.name ?? manifest.name;
  const bagsOf = (input: ClassifierInput, buffers?: BagScratch): BagFeatures[] =>
    featurizeBags(settings, windows, inputToBagTexts({ ...input, stage: manifest.stage }), buffers);

  // Tensors are built (copied out of the scratch buffers) before the first await, so concurrent calls may share
  // the buffers.
  const run = async (bags: readonly BagFeatures[]): Promise<Float32Array> => {
    const feeds: Record<string, InferenceSession.OnnxValueMapType[string]> = {};
    bags.forEach(({ whole }, b) => {
      feeds[`ids_${b}`] = new ort.Tensor("int32", whole.ids.slice(0, whole.length), [whole.length]);
    });
    const out = await session.run(feeds);
    return out["scores"]?.data as Float32Array;
  };

  return {
    name,
    kind: "onnx",
    manifest,
    thresholds: manifest.thresholds,
    async classify(input: ClassifierInput, signal: AbortSignal): Promise<Result<Scores, ClassifierError>> {
      if (signal.aborted) return err(aborted);
      try {
        const bags = bagsOf(input, scratch);
        // The whole input as the model was trained on it (ONNX), then per key the max with the windows (TS).
        // Copied: the scorer's buffer is reused by the next call, which may run during the await below.
        const win = windowScorer?.score(bags)?.slice() ?? null;
        const probs = await run(bags);
        if (!win) return ok(toScores(manifest.labels, probs));
        const wth = { whole: manifest.thresholds, windows: windows?.thresholds };
        return ok(toScores(manifest.labels, combineWindowScores(manifest.labels, probs, win, wth)));
      } catch (e: unknown) {
        return err(failed(`${name}: inference failed`, e));
      }
    },
    createStreamScorer: (context: string) => createEmbeddingStreamScorer(weightsOf(), settings, context),
    scoreReference: (input) =>
      toScores(manifest.labels, windowedForward(weightsOf(), bagsOf(input), windows, manifest.thresholds)),
    close: () => session.release(),
  };
}

/**
 * Features in the recent window of the stream scorer (~700 characters of English). A harmful passage late in a
 * long completion is diluted in the running mean; the window mean is not.
 */
export const STREAM_WINDOW_FEATURES = 2048;

/** Adds embedding row `id` (times `sign`) into `acc`. */
function addRow(acc: Float64Array, emb: Float32Array, id: number, dim: number, sign: number): void {
  const base = id * dim;
  for (let d = 0; d < dim; d++) acc[d]! += sign * emb[base + d]!;
}

/**
 * Incremental scorer over bag 0 (the completion text). Running state: the summed embedding rows of every
 * committed feature, their count, the featurizer cursor (previous token + the partial word carried), and, once
 * the text has more than `window` features, the sum over the last `window` of them (a ring of their ids: each new
 * feature is added and the one leaving the window subtracted). Each update hashes only the delta, the carried
 * partial word (bounded by `maxWordChars`) and the end marker, then runs the small head in TypeScript on the
 * running mean and, past the window, on the window mean, and returns the per-key maximum: the cost does not depend
 * on how much text came before. Until the text exceeds the window both means are equal, so the scores equal the
 * full-text scores.
 */
export function createEmbeddingStreamScorer(
  w: ModelWeights,
  settings: FeaturizerSettings,
  context: string,
  window = STREAM_WINDOW_FEATURES,
): OnnxStreamScorer {
  const { dim, emb } = w;
  const x = new Float64Array(inputWidth(w));
  const contextIds = createIdList(256);
  for (let b = 1; b < w.bags; b++) {
    // Bag 1 is the context (the prompt); later bags (none today) would be empty.
    featurizeText(settings, b, b === 1 ? context : "", contextIds);
    poolMean(w, contextIds, x, b * dim);
  }
  const sum = new Float64Array(dim);
  const tmp = new Float64Array(dim);
  let count = 0;
  let tmpCount = 0;
  let lastUpdateFeatures = 0;
  const cursor = createFeatureCursor(settings, 0);
  // The ring holds the ids of the last `window` features; their sum is kept only once the text outgrows the
  // window (until then it equals `sum`, and most completions never get there).
  const ring = new Int32Array(Math.max(1, window));
  let winSum: Float64Array | undefined;
  const commit = (id: number): void => {
    addRow(sum, emb, id, dim, 1);
    if (window > 0) {
      const slot = count % window;
      if (count >= window) {
        winSum ??= sum.slice(); // includes `id` already
        addRow(winSum, emb, ring[slot]!, dim, -1);
        if (count > window) addRow(winSum, emb, id, dim, 1);
      }
      ring[slot] = id;
    }
    count++;
    lastUpdateFeatures++;
  };
  const addTail = (id: number): void => {
    addRow(tmp, emb, id, dim, 1);
    tmpCount++;
    lastUpdateFeatures++;
  };
  const head = fixedTailHead(w, x);
  const mean = new Float64Array(dim);
  const probs = new Float64Array(w.labels.length);
  const winProbs = new Float64Array(w.labels.length);
  return {
    get lastUpdateFeatures() {
      return lastUpdateFeatures;
    },
    update(delta: string, signal: AbortSignal): Promise<Result<Scores, ClassifierError>> {
      if (signal.aborted) return Promise.resolve(err(aborted));
      lastUpdateFeatures = 0;
      cursor.feed(delta, commit);
      tmp.fill(0);
      tmpCount = 0;
      cursor.emitTail(addTail);
      const inv = count + tmpCount > 0 ? 1 / (count + tmpCount) : 0;
      for (let d = 0; d < dim; d++) mean[d] = (sum[d]! + tmp[d]!) * inv;
      head(mean, probs);
      if (winSum && count > window) {
        const winv = 1 / (window + tmpCount);
        for (let d = 0; d < dim; d++) mean[d] = (winSum[d]! + tmp[d]!) * winv;
        head(mean, winProbs);
        for (let k = 0; k < probs.length; k++) probs[k] = Math.max(probs[k]!, winProbs[k]!);
      }
      return Promise.resolve(ok(toScores(w.labels, probs)));
    },
  };
}
