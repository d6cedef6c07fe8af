/** Ranking and threshold metrics for the eval report and calibration. */

/** AUROC by the rank-sum (Mann-Whitney U) statistic with tie correction; NaN when a class is empty. */
export function auroc(pos: readonly number[], neg: readonly number[]): number {
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  const all = [...pos.map((s) => ({ s, p: 1 })), ...neg.map((s) => ({ s, p: 0 }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]?.s === all[i]?.s) j++;
    const avg = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]?.p) rankSum += avg;
    i = j;
  }
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}

/** Average precision (area under the precision-recall curve, step-wise); NaN without positives. */
export function auprc(pos: readonly number[], neg: readonly number[]): number {
  if (pos.length === 0) return Number.NaN;
  const all = [...pos.map((s) => ({ s, p: 1 })), ...neg.map((s) => ({ s, p: 0 }))].sort((a, b) => b.s - a.s);
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    let tpHere = 0;
    while (j < all.length && all[j]?.s === all[i]?.s) {
      if (all[j]?.p) tpHere++;
      else fp++;
      j++;
    }
    tp += tpHere;
    if (tpHere > 0) ap += (tpHere / pos.length) * (tp / (tp + fp));
    i = j;
  }
  return ap;
}

/**
 * The lowest threshold `t` (flag when score >= t) at which at most `fpr` of `neg` score >= t: just above the
 * (k+1)-th highest negative score, k = floor(fpr * n). 1 when there are no negatives.
 */
export function thresholdAtFpr(neg: readonly number[], fpr: number): number {
  if (neg.length === 0) return 1;
  const sorted = [...neg].sort((a, b) => b - a);
  const k = Math.floor(fpr * sorted.length + 1e-9);
  const s = sorted[k];
  if (s === undefined) return 0;
  return Math.min(1, s + 1e-6);
}

/** Share of `scores` at or above `t`. */
export function rateAtOrAbove(scores: readonly number[], t: number): number {
  if (scores.length === 0) return Number.NaN;
  let n = 0;
  for (const s of scores) if (s >= t) n++;
  return n / scores.length;
}

/** Recall on `pos` at the threshold giving at most `fpr` on `neg`. */
export function recallAtFpr(pos: readonly number[], neg: readonly number[], fpr: number): number {
  return rateAtOrAbove(pos, thresholdAtFpr(neg, fpr));
}
