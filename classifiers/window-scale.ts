/**
 * Window scores on the whole-input scale (`windows.ts`): the calibration gives window scores thresholds of their
 * own, and `classify` maps each onto the manifest's thresholds before taking the per-key maximum, so the policy
 * sees one score per key on one scale.
 */
import { sigmoid } from "./model.ts";
import type { ScoreKey } from "./types.ts";

/**
 * Thresholds for one key: `flag` when score >= flag, `block` when score >= block. Defined here, on the serving
 * side, because a manifest carries them; training's `calibrate.ts` computes them.
 */
export interface KeyThresholds {
  readonly flag: number;
  readonly block: number;
}

/** Per-key thresholds, as in a manifest. */
export type Thresholds = Partial<Record<ScoreKey, KeyThresholds>>;

const LOGIT_CAP = 30;
const logit = (p: number): number => Math.max(-LOGIT_CAP, Math.min(LOGIT_CAP, Math.log(p) - Math.log1p(-p)));

/**
 * Maps a raw window score onto the whole-input scale: piecewise linear in logit space through
 * (window flag -> flag) and (window block -> block), shifted outside them; never above `v`.
 */
export function windowToWholeScale(v: number, whole: KeyThresholds, win: KeyThresholds): number {
  const wf = Math.max(win.flag, whole.flag);
  const wb = Math.max(win.block, whole.block, wf);
  const f = logit(whole.flag);
  const b = logit(whole.block);
  const fw = logit(wf);
  const bw = logit(wb);
  const z = logit(v);
  let out: number;
  if (z <= fw) out = z + f - fw;
  else if (z >= bw) out = z + b - bw;
  else out = f + ((z - fw) * (b - f)) / (bw - fw);
  const m = Math.min(v, sigmoid(out));
  // Exactly at the thresholds, whatever the rounding of the logits.
  const below = (t: number) => t - 1e-12;
  if (v >= wb) return Math.max(m, whole.block);
  if (v >= wf) {
    const flagged = Math.max(m, whole.flag);
    return whole.flag < whole.block ? Math.min(flagged, below(whole.block)) : flagged;
  }
  return Math.min(m, below(whole.flag));
}

/**
 * Combines the whole-input probabilities with the raw window maximum (both in label order) into `out`: per key the
 * maximum of the whole score and the window score mapped by `windowToWholeScale` (unmapped without thresholds).
 */
export function combineWindowScores(
  labels: readonly ScoreKey[],
  whole: ArrayLike<number>,
  win: Float64Array | null,
  thresholds: { readonly whole: Thresholds; readonly windows?: Thresholds | undefined },
  out: Float64Array = new Float64Array(labels.length),
): Float64Array {
  labels.forEach((key, k) => {
    const p = whole[k] ?? 0;
    const raw = win?.[k];
    const wt = thresholds.windows?.[key];
    const tt = thresholds.whole[key];
    const v = raw === undefined ? 0 : wt && tt ? windowToWholeScale(raw, tt, wt) : raw;
    out[k] = Math.max(p, v);
  });
  return out;
}
