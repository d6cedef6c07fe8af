/**
 * The embedding-bag model and its TypeScript reference forward pass (the training-time scores the ONNX
 * export must match). Per bag: mean of the embedding rows of its feature ids; the bag means are
 * concatenated, go through one ReLU hidden layer (or none when `hidden` is 0) and a sigmoid per label.
 */
import type { IdList } from "./featurize.ts";
import type { ScoreKey } from "./types.ts";

/** Weights of one model, row-major. */
export interface ModelWeights {
  readonly labels: readonly ScoreKey[];
  readonly buckets: number;
  readonly dim: number;
  readonly bags: number;
  /** Hidden width; 0 = linear head on the pooled vector. */
  readonly hidden: number;
  /** `buckets x dim` */
  readonly emb: Float32Array;
  /** `hidden x (bags*dim)` (empty when hidden is 0) */
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  /** `labels x (hidden || bags*dim)` */
  readonly w2: Float32Array;
  readonly b2: Float32Array;
}

/** Width of the pooled input to the head. */
export function inputWidth(w: ModelWeights): number {
  return w.bags * w.dim;
}

/** Adds the mean of the embedding rows of `ids` into `out[offset..offset+dim)` (float64 accumulation). */
export function poolMean(w: ModelWeights, ids: IdList, out: Float64Array, offset: number): void {
  const { dim, emb } = w;
  for (let d = 0; d < dim; d++) out[offset + d] = 0;
  for (let j = 0; j < ids.length; j++) {
    const base = (ids.ids[j] ?? 0) * dim;
    for (let d = 0; d < dim; d++) out[offset + d] = (out[offset + d] ?? 0) + (emb[base + d] ?? 0);
  }
  const inv = ids.length > 0 ? 1 / ids.length : 0;
  for (let d = 0; d < dim; d++) out[offset + d] = (out[offset + d] ?? 0) * inv;
}

/** Sigmoid. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Runs the head on a pooled vector `x` (length `inputWidth`), writing probabilities into `probs`
 * (length `labels.length`). `hiddenOut`, when given, receives the hidden activations.
 */
export function headForward(
  w: ModelWeights,
  x: ArrayLike<number>,
  probs: Float64Array,
  hiddenOut?: Float64Array,
): void {
  const inW = inputWidth(w);
  let feats: ArrayLike<number> = x;
  let width = inW;
  if (w.hidden > 0) {
    const h = hiddenOut ?? new Float64Array(w.hidden);
    for (let k = 0; k < w.hidden; k++) {
      let s = w.b1[k] ?? 0;
      const row = k * inW;
      for (let i = 0; i < inW; i++) s += (w.w1[row + i] ?? 0) * (x[i] ?? 0);
      h[k] = s > 0 ? s : 0;
    }
    feats = h;
    width = w.hidden;
  }
  for (let o = 0; o < w.labels.length; o++) {
    let s = w.b2[o] ?? 0;
    const row = o * width;
    for (let i = 0; i < width; i++) s += (w.w2[row + i] ?? 0) * (feats[i] ?? 0);
    probs[o] = sigmoid(s);
  }
}

/** Reference forward pass from per-bag feature ids to probabilities (one per label). */
export function referenceForward(w: ModelWeights, bags: readonly IdList[]): Float64Array {
  const x = new Float64Array(inputWidth(w));
  bags.forEach((ids, b) => poolMean(w, ids, x, b * w.dim));
  const probs = new Float64Array(w.labels.length);
  headForward(w, x, probs);
  return probs;
}
