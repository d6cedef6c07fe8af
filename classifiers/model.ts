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
  const list = ids.ids;
  for (let d = 0; d < dim; d++) out[offset + d] = 0;
  for (let j = 0; j < ids.length; j++) {
    const base = list[j]! * dim;
    for (let d = 0; d < dim; d++) out[offset + d]! += emb[base + d]!;
  }
  const inv = ids.length > 0 ? 1 / ids.length : 0;
  for (let d = 0; d < dim; d++) out[offset + d]! *= inv;
}

/** Sigmoid. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Runs the head on a pooled vector `x` (length `inputWidth`), writing probabilities into `probs`
 * (length `labels.length`).
 */
export function headForward(w: ModelWeights, x: ArrayLike<number>, probs: Float64Array): void {
  const inW = inputWidth(w);
  const { w1, b1, w2, b2 } = w;
  let feats: ArrayLike<number> = x;
  let width = inW;
  if (w.hidden > 0) {
    const h = new Float64Array(w.hidden);
    for (let k = 0; k < w.hidden; k++) {
      let s = b1[k]!;
      const row = k * inW;
      for (let i = 0; i < inW; i++) s += w1[row + i]! * x[i]!;
      h[k] = s > 0 ? s : 0;
    }
    feats = h;
    width = w.hidden;
  }
  for (let o = 0; o < w.labels.length; o++) {
    let s = b2[o]!;
    const row = o * width;
    for (let i = 0; i < width; i++) s += w2[row + i]! * feats[i]!;
    probs[o] = sigmoid(s);
  }
}

/**
 * The head with every bag but the first held fixed (`x` holds their pooled vectors): their share of the first
 * layer is computed once, so each call costs only bag 0's columns. Used by the stream scorer, whose context bag
 * (the prompt) does not change while the completion grows. `headForward` stays the reference: training computes
 * its calibration with it, and its summation order is part of what makes `npm run train` byte-reproducible.
 */
export function fixedTailHead(
  w: ModelWeights,
  x: ArrayLike<number>,
): (first: Float64Array, probs: Float64Array) => void {
  const inW = inputWidth(w);
  const { dim, w1, w2, b2 } = w;
  const layer =
    w.hidden > 0
      ? { weights: w1, bias: w.b1, rows: w.hidden }
      : { weights: w2, bias: b2, rows: w.labels.length };
  const base = new Float64Array(layer.rows);
  for (let k = 0; k < layer.rows; k++) {
    let s = layer.bias[k]!;
    for (let i = dim; i < inW; i++) s += layer.weights[k * inW + i]! * x[i]!;
    base[k] = s;
  }
  const h = new Float64Array(w.hidden);
  return (first, probs) => {
    const pre = w.hidden > 0 ? h : probs;
    for (let k = 0; k < layer.rows; k++) {
      let s = base[k]!;
      const row = k * inW;
      for (let i = 0; i < dim; i++) s += layer.weights[row + i]! * first[i]!;
      pre[k] = s;
    }
    if (w.hidden === 0) {
      for (let o = 0; o < probs.length; o++) probs[o] = sigmoid(probs[o]!);
      return;
    }
    for (let k = 0; k < w.hidden; k++) if (h[k]! < 0) h[k] = 0;
    for (let o = 0; o < w.labels.length; o++) {
      let s = b2[o]!;
      const row = o * w.hidden;
      for (let i = 0; i < w.hidden; i++) s += w2[row + i]! * h[i]!;
      probs[o] = sigmoid(s);
    }
  };
}

/** Reference forward pass from per-bag feature ids to probabilities (one per label). */
export function referenceForward(w: ModelWeights, bags: readonly IdList[]): Float64Array {
  const x = new Float64Array(inputWidth(w));
  bags.forEach((ids, b) => poolMean(w, ids, x, b * w.dim));
  const probs = new Float64Array(w.labels.length);
  headForward(w, x, probs);
  return probs;
}
