/**
 * Trains the embedding-bag model (see `../model.ts`) with masked, weighted binary cross-entropy per label.
 * Embedding rows use lazy (sparse) Adam applied per example; the dense head uses Adam over mini-batches.
 * Everything is Float32Array arithmetic in a fixed order from a seeded PRNG, so the same data gives
 * byte-identical weights.
 */
import type { ModelWeights } from "../model.ts";
import { createRng, shuffle } from "../rng.ts";
import type { Rng } from "../rng.ts";
import type { ScoreKey } from "../types.ts";

/** One training example: per bag the unique feature ids and their pooling weights (count / total). */
export interface Example {
  readonly bags: readonly { readonly ids: Int32Array; readonly w: Float32Array }[];
  readonly y: Float32Array;
  readonly mask: Uint8Array;
  weight: number;
}

/** Hyper-parameters. */
export interface TrainOptions {
  readonly labels: readonly ScoreKey[];
  readonly buckets: number;
  readonly bags: number;
  readonly dim: number;
  readonly hidden: number;
  readonly epochs: number;
  /** Adam step size for embedding rows. */
  readonly lrEmb: number;
  /** Adam step size for the dense head. */
  readonly lrDense: number;
  readonly batch: number;
  readonly seed: number;
  /** Called after each example with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-8;

interface Adam {
  readonly m: Float32Array;
  readonly v: Float32Array;
}
const adamFor = (n: number): Adam => ({ m: new Float32Array(n), v: new Float32Array(n) });

function initWeights(o: TrainOptions, rng: Rng): ModelWeights {
  const inW = o.bags * o.dim;
  const emb = new Float32Array(o.buckets * o.dim);
  for (let i = 0; i < emb.length; i++) emb[i] = (rng.next() * 2 - 1) / o.dim;
  const headIn = o.hidden > 0 ? o.hidden : inW;
  const w1 = new Float32Array(o.hidden * inW);
  const s1 = Math.sqrt(6 / (inW + Math.max(1, o.hidden)));
  for (let i = 0; i < w1.length; i++) w1[i] = (rng.next() * 2 - 1) * s1;
  const w2 = new Float32Array(o.labels.length * headIn);
  const s2 = Math.sqrt(6 / (headIn + o.labels.length));
  for (let i = 0; i < w2.length; i++) w2[i] = (rng.next() * 2 - 1) * s2;
  const b1 = new Float32Array(o.hidden).fill(0.01);
  return {
    labels: [...o.labels],
    buckets: o.buckets,
    dim: o.dim,
    bags: o.bags,
    hidden: o.hidden,
    emb,
    w1,
    b1,
    w2,
    b2: new Float32Array(o.labels.length),
  };
}

function adamStep(p: Float32Array, g: Float32Array, s: Adam, lr: number, t: number, scale: number): void {
  const c1 = 1 - Math.pow(B1, t);
  const c2 = 1 - Math.pow(B2, t);
  const { m, v } = s;
  for (let i = 0; i < p.length; i++) {
    const gi = (g[i] ?? 0) * scale;
    const mi = B1 * (m[i] ?? 0) + (1 - B1) * gi;
    const vi = B2 * (v[i] ?? 0) + (1 - B2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = (p[i] ?? 0) - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + EPS);
    g[i] = 0;
  }
}

/** Trains and returns the weights. */
export function trainModel(examples: readonly Example[], o: TrainOptions): ModelWeights {
  const rng = createRng(o.seed);
  const w = initWeights(o, rng);
  const inW = o.bags * o.dim;
  const K = o.labels.length;
  const H = o.hidden;
  const headIn = H > 0 ? H : inW;
  const dense = { w1: adamFor(w.w1.length), b1: adamFor(H), w2: adamFor(w.w2.length), b2: adamFor(K) };
  const grad = {
    w1: new Float32Array(w.w1.length),
    b1: new Float32Array(H),
    w2: new Float32Array(w.w2.length),
    b2: new Float32Array(K),
  };
  const embAdam = adamFor(w.emb.length);
  const x = new Float32Array(inW);
  const h = new Float32Array(headIn);
  const gz = new Float32Array(K);
  const gh = new Float32Array(headIn);
  const gx = new Float32Array(inW);
  const order = examples.map((_, i) => i);
  const total = examples.length * o.epochs;
  let done = 0;
  let denseT = 0;
  let embT = 0;
  let inBatch = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(rng, order);
    for (const idx of order) {
      const ex = examples[idx];
      if (!ex) continue;
      const decay = 1 - done / total;
      forwardBackward(w, ex, { x, h, gz, gh, gx, grad });
      embT++;
      sparseEmbStep(w, ex, gx, embAdam, o.lrEmb * decay, embT);
      if (++inBatch === o.batch) {
        denseT++;
        const lr = o.lrDense * decay;
        const sc = 1 / inBatch;
        if (H > 0) {
          adamStep(w.w1, grad.w1, dense.w1, lr, denseT, sc);
          adamStep(w.b1, grad.b1, dense.b1, lr, denseT, sc);
        }
        adamStep(w.w2, grad.w2, dense.w2, lr, denseT, sc);
        adamStep(w.b2, grad.b2, dense.b2, lr, denseT, sc);
        inBatch = 0;
      }
      done++;
      o.onProgress?.(done, total);
    }
  }
  return w;
}

interface Scratch {
  readonly x: Float32Array;
  readonly h: Float32Array;
  readonly gz: Float32Array;
  readonly gh: Float32Array;
  readonly gx: Float32Array;
  readonly grad: {
    readonly w1: Float32Array;
    readonly b1: Float32Array;
    readonly w2: Float32Array;
    readonly b2: Float32Array;
  };
}

function forwardBackward(w: ModelWeights, ex: Example, s: Scratch): void {
  const { dim, emb, hidden: H } = w;
  const inW = w.bags * dim;
  const K = w.labels.length;
  const { x, h, gz, gh, gx, grad } = s;
  x.fill(0);
  ex.bags.forEach((bag, b) => {
    const off = b * dim;
    for (let j = 0; j < bag.ids.length; j++) {
      const base = (bag.ids[j] ?? 0) * dim;
      const wj = bag.w[j] ?? 0;
      for (let d = 0; d < dim; d++) x[off + d] = (x[off + d] ?? 0) + wj * (emb[base + d] ?? 0);
    }
  });
  let feats: Float32Array = x;
  if (H > 0) {
    for (let k = 0; k < H; k++) {
      let acc = w.b1[k] ?? 0;
      const row = k * inW;
      for (let i = 0; i < inW; i++) acc += (w.w1[row + i] ?? 0) * (x[i] ?? 0);
      h[k] = acc > 0 ? acc : 0;
    }
    feats = h;
  }
  const headIn = feats.length;
  gh.fill(0);
  for (let o = 0; o < K; o++) {
    if (!ex.mask[o]) {
      gz[o] = 0;
      continue;
    }
    let z = w.b2[o] ?? 0;
    const row = o * headIn;
    for (let i = 0; i < headIn; i++) z += (w.w2[row + i] ?? 0) * (feats[i] ?? 0);
    const p = 1 / (1 + Math.exp(-z));
    const g = (p - (ex.y[o] ?? 0)) * ex.weight;
    gz[o] = g;
    grad.b2[o] = (grad.b2[o] ?? 0) + g;
    for (let i = 0; i < headIn; i++) {
      grad.w2[row + i] = (grad.w2[row + i] ?? 0) + g * (feats[i] ?? 0);
      gh[i] = (gh[i] ?? 0) + g * (w.w2[row + i] ?? 0);
    }
  }
  if (H === 0) {
    gx.set(gh);
    return;
  }
  gx.fill(0);
  for (let k = 0; k < H; k++) {
    if ((h[k] ?? 0) <= 0) continue;
    const g = gh[k] ?? 0;
    if (g === 0) continue;
    grad.b1[k] = (grad.b1[k] ?? 0) + g;
    const row = k * inW;
    for (let i = 0; i < inW; i++) {
      grad.w1[row + i] = (grad.w1[row + i] ?? 0) + g * (x[i] ?? 0);
      gx[i] = (gx[i] ?? 0) + g * (w.w1[row + i] ?? 0);
    }
  }
}

function sparseEmbStep(w: ModelWeights, ex: Example, gx: Float32Array, s: Adam, lr: number, t: number): void {
  const { dim, emb } = w;
  const c1 = 1 - Math.pow(B1, t);
  const c2 = 1 - Math.pow(B2, t);
  const { m, v } = s;
  ex.bags.forEach((bag, b) => {
    const off = b * dim;
    for (let j = 0; j < bag.ids.length; j++) {
      const base = (bag.ids[j] ?? 0) * dim;
      const wj = bag.w[j] ?? 0;
      for (let d = 0; d < dim; d++) {
        const i = base + d;
        const g = wj * (gx[off + d] ?? 0);
        const mi = B1 * (m[i] ?? 0) + (1 - B1) * g;
        const vi = B2 * (v[i] ?? 0) + (1 - B2) * g * g;
        m[i] = mi;
        v[i] = vi;
        emb[i] = (emb[i] ?? 0) - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + EPS);
      }
    }
  });
}
