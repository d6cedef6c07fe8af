/**
 * Windowed scoring of the embedding-bag models. A bag is the mean of its features' embedding rows, so a short
 * harmful request inside a long benign text is diluted away (the nerve-agent request scored 0.99 alone and 0.07
 * after 60 benign sentences), and only the first `maxTokens` tokens of a bag count. So `classify` also scores
 * overlapping windows of the windowed bags - `tokens` tokens every `stride` tokens, the last one aligned to the
 * end of the text, so every token of the bag is in a window - each with the other bags pooled whole, and keeps per
 * key the maximum over the whole-input score and the window scores. A bag of at most `tokens` tokens has no
 * windows: short inputs score exactly as before.
 *
 * Window scores have thresholds of their own. A long text has many windows, and a short window cut out of an
 * ordinary text (a log, a table, a code fragment) can score as high as a request, so the maximum over windows of
 * benign long texts runs far above the whole-text scores the manifest's thresholds were set on. The calibration
 * therefore sets per-key thresholds for the window maximum on the benign calibration rows that have windows (the
 * same targets), and `classify` maps each window score onto the whole-input scale before taking the maximum: a
 * monotone map, piecewise linear in logit space, that sends the window `flag` / `block` thresholds to the
 * manifest's (never above the raw score). So a window fires exactly when it passes its own threshold, short
 * inputs keep their thresholds, and the policy still sees one score per key.
 *
 * Cost is linear in the text and needs one featurization: the featurizer runs once over the whole bag without the
 * token cap and records where each token's features start. The whole-bag ids the model was trained on (the first
 * `maxTokens` tokens and the end marker) are a prefix of these, identical to `featurizeText`'s. Window sums come
 * from per-stride chunk sums (each feature's embedding row is added once), and each window costs one pass of the
 * small head over that bag's columns (`fixedTailHead`). A window is pooled like a bag: its features plus the
 * end-of-bag feature; its first token keeps its bigram with the token before the window.
 */
import { createFeatureCursor, createIdList, featurizeText, pushId } from "./featurize.ts";
import type { FeaturizerSettings, IdList } from "./featurize.ts";
import { headForward, inputWidth, poolMean, sigmoid } from "./model.ts";
import { combineWindowScores } from "./window-scale.ts";
import type { Thresholds } from "./window-scale.ts";
import type { ModelWeights } from "./model.ts";

/** Window settings of a model (stored in its manifest: the thresholds are calibrated with them). */
export interface WindowSettings {
  /** Tokens per window. */
  readonly tokens: number;
  /** Tokens between window starts; divides `tokens`. */
  readonly stride: number;
  /** Bags that are windowed; the others are always pooled whole (first `maxTokens` tokens). */
  readonly bags: readonly number[];
  /** Calibrated thresholds of the raw window maximum, per key (set by the calibration, kept in the manifest). */
  readonly thresholds?: Thresholds | undefined;
  /**
   * Calibration only: the window thresholds are set on the benign rows with at least this many windows.
   * @defaultValue 1
   */
  readonly minWindows?: number | undefined;
}

/** The features of one bag: what the model pools whole, and, for a windowed bag, every token's features. */
export interface BagFeatures {
  /** The first `maxTokens` tokens' feature ids and the end marker (what training and the ONNX graph pool). */
  whole: IdList;
  /** Windowed bags only: the feature ids of every token (no cap, no end marker). */
  all?: IdList;
  /** Windowed bags only: `starts.ids[t]` is the offset in `all` of token t's first feature. */
  starts?: IdList;
  /** The end-of-bag feature id. */
  end: number;
}

/** Reusable buffers of `featurizeBags` (one per caller; used synchronously). */
export type BagScratch = BagFeatures[];

/**
 * Featurizes each bag text: windowed bags once without the token cap (recording token starts), the others as
 * `featurizeText` does. `whole` of every bag equals `featurizeText(settings, b, text)`.
 */
export function featurizeBags(
  settings: FeaturizerSettings,
  windows: WindowSettings | undefined,
  texts: readonly string[],
  scratch: BagScratch = [],
): BagFeatures[] {
  return texts.map((text, b) => {
    const bf = (scratch[b] ??= { whole: createIdList(), end: 0 });
    if (!windows?.bags.includes(b)) {
      featurizeText(settings, b, text, bf.whole);
      bf.end = bf.whole.ids[bf.whole.length - 1] ?? 0;
      delete bf.all;
      delete bf.starts;
      return bf;
    }
    const all = (bf.all ??= createIdList());
    const starts = (bf.starts ??= createIdList(256));
    all.length = 0;
    starts.length = 0;
    const cursor = createFeatureCursor({ ...settings, maxTokens: Number.MAX_SAFE_INTEGER }, b);
    // Every token emits its unigram first, while `cursor.tokens` is still its index (the tail word is emitted
    // by `emitTail` without being counted, under the next index): a new index marks a token's first feature.
    const emit = (id: number): void => {
      if (starts.length <= cursor.tokens) pushId(starts, all.length);
      pushId(all, id);
    };
    cursor.feed(text, emit);
    cursor.emitTail(emit);
    bf.end = all.ids[--all.length] ?? 0;
    // Without a tail word the end marker opened a token of its own.
    if (starts.length > 0 && starts.ids[starts.length - 1] === all.length) starts.length--;
    const cut = starts.length > settings.maxTokens ? (starts.ids[settings.maxTokens] ?? 0) : all.length;
    const whole = bf.whole;
    whole.length = 0;
    for (let i = 0; i < cut; i++) pushId(whole, all.ids[i] ?? 0);
    pushId(whole, bf.end);
    return bf;
  });
}

/** Number of windows `windowScores` scores for a bag of `tokens` tokens (0 when it fits in one window). */
export function windowCount(tokens: number, ws: WindowSettings): number {
  return tokens <= ws.tokens ? 0 : Math.ceil((tokens - ws.tokens) / ws.stride) + 1;
}

/** Scores the windows of inputs for one model; built once per model (it holds float64 copies of the head). */
export interface WindowScorer {
  /**
   * Per-label maximum over every window of every windowed bag (the other bags pooled whole), or `null` when no
   * bag is longer than one window. `onWindow` (tests) sees each window's token range. Not re-entrant: the result
   * is a buffer of the scorer, valid until the next call.
   */
  score(
    bags: readonly BagFeatures[],
    onWindow?: (bag: number, from: number, to: number) => void,
  ): Float64Array | null;
}

/**
 * Creates the window scorer of a model. Per window it pools the window (from per-stride chunk sums), then runs the
 * head with the other bags' part of the first layer computed once per input: float64 copies of the weights and
 * preallocated buffers, so a window costs ~3 us and an input allocates nothing beyond a longer chunk buffer.
 */
export function createWindowScorer(w: ModelWeights, ws: WindowSettings): WindowScorer {
  const { dim, hidden, emb } = w;
  const inW = inputWidth(w);
  const labels = w.labels.length;
  const rows = hidden > 0 ? hidden : labels;
  const W1 = new Float64Array(hidden > 0 ? w.w1 : w.w2);
  const B1 = new Float64Array(hidden > 0 ? w.b1 : w.b2);
  const W2 = new Float64Array(w.w2);
  const B2 = new Float64Array(w.b2);
  // Each windowed bag's columns of the first layer, dense.
  const cols = new Map<number, Float64Array>();
  for (const b of ws.bags) {
    const c = new Float64Array(rows * dim);
    for (let k = 0; k < rows; k++) for (let i = 0; i < dim; i++) c[k * dim + i] = W1[k * inW + b * dim + i]!;
    cols.set(b, c);
  }
  const x = new Float64Array(inW);
  const base = new Float64Array(rows);
  const pre = new Float64Array(rows);
  const probs = new Float64Array(labels);
  const best = new Float64Array(labels);
  const mean = new Float64Array(dim);
  const sum = new Float64Array(dim);
  let sums = new Float64Array(64 * dim);
  const W = ws.tokens;
  const S = ws.stride;
  const k = W / S;

  /**
   * Adds the embedding rows of `ids[from, to)` into `acc` at `at` (not cleared). Unrolled by 8 when `dim` allows:
   * V8 neither unrolls nor vectorizes, and the unrolled loop keeps more row loads in flight (a 16 KB prompt's
   * 37k rows: 5.4 -> 1.7 ms from a cold table, measured in isolation).
   */
  const addRows = (ids: Int32Array, from: number, to: number, acc: Float64Array, at: number): void => {
    if (dim % 8 !== 0) {
      for (let j = from; j < to; j++) {
        const row = ids[j]! * dim;
        for (let d = 0; d < dim; d++) acc[at + d]! += emb[row + d]!;
      }
      return;
    }
    for (let j = from; j < to; j++) {
      const row = ids[j]! * dim;
      for (let d = 0; d < dim; d += 8) {
        const a = at + d;
        const r = row + d;
        acc[a]! += emb[r]!;
        acc[a + 1]! += emb[r + 1]!;
        acc[a + 2]! += emb[r + 2]!;
        acc[a + 3]! += emb[r + 3]!;
        acc[a + 4]! += emb[r + 4]!;
        acc[a + 5]! += emb[r + 5]!;
        acc[a + 6]! += emb[r + 6]!;
        acc[a + 7]! += emb[r + 7]!;
      }
    }
  };
  /** Dot product of `a[off, off + n)` and `b[0, n)`, unrolled by 4 (see `addRows`). */
  const dot = (a: Float64Array, off: number, b: Float64Array, n: number): number => {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      s0 += a[off + i]! * b[i]!;
      s1 += a[off + i + 1]! * b[i + 1]!;
      s2 += a[off + i + 2]! * b[i + 2]!;
      s3 += a[off + i + 3]! * b[i + 3]!;
    }
    for (; i < n; i++) s0 += a[off + i]! * b[i]!;
    return s0 + s1 + s2 + s3;
  };
  /** Runs the head on `mean` (the varying bag) with `c` its columns; writes `probs`. */
  const head = (c: Float64Array): void => {
    for (let r = 0; r < rows; r++) {
      const v = base[r]! + dot(c, r * dim, mean, dim);
      pre[r] = hidden > 0 && v < 0 ? 0 : v;
    }
    if (hidden === 0) {
      for (let o = 0; o < labels; o++) probs[o] = sigmoid(pre[o]!);
      return;
    }
    for (let o = 0; o < labels; o++) probs[o] = sigmoid(B2[o]! + dot(W2, o * hidden, pre, hidden));
  };

  return {
    score(bags, onWindow) {
      let scored = 0;
      const pooled = new Uint8Array(bags.length);
      for (const b of ws.bags) {
        const bf = bags[b];
        const c = cols.get(b);
        if (!bf?.all || !bf.starts || !c) continue;
        const T = bf.starts.length;
        if (T <= W) continue;
        // The other bags' whole means stay fixed while this bag slides: their part of the first layer is `base`.
        bags.forEach((o, ob) => {
          if (ob !== b && !pooled[ob]) poolMean(w, o.whole, x, ob * dim);
          if (ob !== b) pooled[ob] = 1;
        });
        for (let r = 0; r < rows; r++) {
          let s = B1[r]!;
          for (let i = 0; i < inW; i++) if (i < b * dim || i >= (b + 1) * dim) s += W1[r * inW + i]! * x[i]!;
          base[r] = s;
        }
        const ids = bf.all.ids;
        const starts = bf.starts.ids;
        const n = bf.all.length;
        const at = (t: number): number => (t >= T ? n : starts[t]!);
        const chunks = Math.ceil(T / S);
        if (sums.length < chunks * dim) sums = new Float64Array(chunks * dim * 2);
        sums.fill(0, 0, chunks * dim);
        for (let ch = 0; ch < chunks; ch++) addRows(ids, at(ch * S), at((ch + 1) * S), sums, ch * dim);
        const endRow = bf.end * dim;
        const scoreWindow = (from: number, to: number): void => {
          const inv = 1 / (at(to) - at(from) + 1);
          for (let d = 0; d < dim; d++) mean[d] = (sum[d]! + emb[endRow + d]!) * inv;
          head(c);
          for (let o = 0; o < labels; o++) if (scored === 0 || probs[o]! > best[o]!) best[o] = probs[o]!;
          scored++;
          onWindow?.(b, from, to);
        };
        const chunkSum = (first: number): void => {
          sum.fill(0);
          for (let ch = first; ch < first + k; ch++)
            for (let d = 0; d < dim; d++) sum[d]! += sums[ch * dim + d]!;
        };
        const last = T - W;
        for (let a = 0; a < last; a += S) {
          chunkSum(a / S);
          scoreWindow(a, a + W);
        }
        // The last window ends on the last token; when it does not start on a stride it is summed directly.
        if (last % S === 0) chunkSum(last / S);
        else {
          sum.fill(0);
          addRows(ids, at(last), n, sum, 0);
        }
        scoreWindow(last, T);
      }
      return scored > 0 ? best : null;
    },
  };
}

/** `createWindowScorer(w, ws).score(bags, onWindow)`, for one-off use (builds the scorer each call). */
export function windowScores(
  w: ModelWeights,
  bags: readonly BagFeatures[],
  ws: WindowSettings,
  onWindow?: (bag: number, from: number, to: number) => void,
): Float64Array | null {
  const out = createWindowScorer(w, ws).score(bags, onWindow);
  return out ? out.slice() : null;
}

/** The reference whole-input forward pass over `BagFeatures` (serving runs it in ONNX; equal to 1e-5). */
export function wholeForward(w: ModelWeights, bags: readonly BagFeatures[]): Float64Array {
  const x = new Float64Array(inputWidth(w));
  bags.forEach((bf, b) => poolMean(w, bf.whole, x, b * w.dim));
  const probs = new Float64Array(w.labels.length);
  headForward(w, x, probs);
  return probs;
}

/**
 * The reference score of an input with windows: the whole-input forward pass, then per key the maximum with the
 * mapped window scores. Serving computes the whole-input part with ONNX instead.
 */
export function windowedForward(
  w: ModelWeights,
  bags: readonly BagFeatures[],
  ws: WindowSettings | undefined,
  wholeThresholds: Thresholds,
): Float64Array {
  const whole = wholeForward(w, bags);
  if (!ws) return whole;
  return combineWindowScores(w.labels, whole, windowScores(w, bags, ws), {
    whole: wholeThresholds,
    windows: ws.thresholds,
  });
}
