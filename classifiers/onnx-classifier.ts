/**
 * The trained embedding-bag models served with onnxruntime-node (DESIGN section 4, "trained ONNX models").
 *
 * Inline vs worker pool (CONVENTIONS 9): measured with `npm run bench:micro` (2025-11-23, shared AMD EPYC
 * 2-vCPU machine under load, Node 20.20): whole `classify` (featurize + `InferenceSession.run`) for the prompt
 * model p50 92 us / p99 358 us at 200 chars, p50 289 us / p99 963 us at 2 KB; a completion stream update
 * p50 13 us / p99 49 us. Most of that is featurization in JS, which a worker would only move, at the price of
 * a postMessage round trip and a copy per call; the native run itself is tens of microseconds. So these models
 * run inline; the transformer kind (milliseconds per run) uses the worker pool in `transformer/pool.ts`.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { InferenceSession } from "onnxruntime-node";
import { createFeatureCursor, createIdList } from "./featurize.ts";
import type { FeaturizerSettings, IdList } from "./featurize.ts";
import { readManifest } from "./manifest.ts";
import type { Manifest } from "./manifest.ts";
import { headForward, inputWidth, poolMean, referenceForward } from "./model.ts";
import type { ModelWeights } from "./model.ts";
import { importOnnxWeights } from "./onnx/export.ts";
import { featurizeInput } from "./train/examples.ts";
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
  const bytes = await readFile(join(opts.dir, manifest.files.model));
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== manifest.files.modelSha256)
    throw new Error(`${opts.dir}: model file does not match manifest sha256`);
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const weights = importOnnxWeights(bytes, manifest.labels);
  const settings: FeaturizerSettings = manifest.featurizer;
  const scratch: IdList[] = [];
  const name = opts.name ?? manifest.name;

  const run = async (bags: IdList[]): Promise<Float32Array> => {
    const feeds: Record<string, InferenceSession.OnnxValueMapType[string]> = {};
    bags.forEach((ids, b) => {
      feeds[`ids_${b}`] = new ort.Tensor("int32", ids.ids.slice(0, ids.length), [ids.length]);
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
        const probs = await run(featurizeInput(settings, { ...input, stage: manifest.stage }, scratch));
        return ok(toScores(manifest.labels, probs));
      } catch (e: unknown) {
        return err(failed(`${name}: inference failed`, e));
      }
    },
    createStreamScorer: (context: string) => createEmbeddingStreamScorer(weights, settings, context),
    scoreReference: (input) =>
      toScores(
        manifest.labels,
        referenceForward(weights, featurizeInput(settings, { ...input, stage: manifest.stage }, [])),
      ),
    close: () => session.release(),
  };
}

/**
 * Incremental scorer over bag 0 (the completion text). Running state: the summed embedding rows of every
 * committed feature, their count, and the featurizer cursor (previous token + the partial word carried).
 * Each update hashes only the delta, the carried partial word (bounded by `maxWordChars`) and the end marker,
 * then runs the small head in TypeScript: the cost does not depend on how much text came before.
 */
export function createEmbeddingStreamScorer(
  w: ModelWeights,
  settings: FeaturizerSettings,
  context: string,
): OnnxStreamScorer {
  const { dim, emb } = w;
  const x = new Float64Array(inputWidth(w));
  for (let b = 1; b < w.bags; b++) {
    // Bag 1 is the context (the prompt); later bags (none today) would be empty.
    const ids = createIdList();
    const cursor = createFeatureCursor(settings, b);
    const push = (id: number) => {
      if (ids.length === ids.ids.length) {
        const g = new Int32Array(ids.ids.length * 2);
        g.set(ids.ids);
        ids.ids = g;
      }
      ids.ids[ids.length++] = id;
    };
    cursor.feed(b === 1 ? context : "", push);
    cursor.emitTail(push);
    poolMean(w, ids, x, b * dim);
  }
  const sum = new Float64Array(dim);
  const tmp = new Float64Array(dim);
  let count = 0;
  let tmpCount = 0;
  let lastUpdateFeatures = 0;
  const cursor = createFeatureCursor(settings, 0);
  const commit = (id: number) => {
    const base = id * dim;
    for (let d = 0; d < dim; d++) sum[d] = (sum[d] ?? 0) + (emb[base + d] ?? 0);
    count++;
    lastUpdateFeatures++;
  };
  const addTail = (id: number) => {
    const base = id * dim;
    for (let d = 0; d < dim; d++) tmp[d] = (tmp[d] ?? 0) + (emb[base + d] ?? 0);
    tmpCount++;
    lastUpdateFeatures++;
  };
  const probs = new Float64Array(w.labels.length);
  const hidden = new Float64Array(w.hidden);
  return {
    get lastUpdateFeatures() {
      return lastUpdateFeatures;
    },
    update(delta: string, signal: AbortSignal): Promise<Result<Scores, ClassifierError>> {
      if (signal.aborted) return Promise.resolve(err(aborted));
      lastUpdateFeatures = 0;
      cursor.feed(delta, commit);
      tmp.set(sum);
      tmpCount = count;
      cursor.emitTail(addTail);
      for (let d = 0; d < dim; d++) x[d] = (tmp[d] ?? 0) / tmpCount;
      headForward(w, x, probs, hidden);
      return Promise.resolve(ok(toScores(w.labels, probs)));
    },
  };
}
