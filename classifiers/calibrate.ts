/**
 * Per-key flag/block thresholds from benign validation scores (DESIGN section 4, calibration).
 *
 * Each key gets the threshold that keeps its own false-positive rate at or under a per-key rate alpha, and
 * alpha is the largest value (<= the target) for which the *union* over keys (the action "flag if any key
 * >= its flag threshold") also stays at or under the target on the same benign rows. Without that, twelve
 * heads at 2% each could flag far more than 2% of benign traffic.
 */
import { thresholdAtFpr } from "./metrics.ts";
import type { ScoreKey } from "./types.ts";
import type { KeyThresholds } from "./window-scale.ts";

/** Calibration targets. */
export interface CalibrationOptions {
  /** Target false-positive rate for `flag` on benign rows. @defaultValue 0.02 */
  readonly flagFpr?: number;
  /** Target false-positive rate for `block` on benign rows. @defaultValue 0.005 */
  readonly blockFpr?: number;
  /**
   * Lowest allowed thresholds. A head whose benign scores all sit near zero on val would otherwise get a
   * threshold near zero that fires on any trace of the category, and val is narrower than real traffic (the
   * first models, calibrated with floors 0.1/0.3, flagged "What is the capital of France?" on attack 0.53).
   * A flag needs the head to call the input more likely positive than not (0.5); a block needs 0.8.
   * @defaultValue `{ flag: 0.5, block: 0.8 }`
   */
  readonly floor?: KeyThresholds;
}

function thresholdsFor(cols: readonly (readonly number[])[], alpha: number, floor: number): number[] {
  return cols.map((c) => Math.max(floor, thresholdAtFpr(c, alpha)));
}

function unionRate(cols: readonly (readonly number[])[], t: readonly number[]): number {
  const n = cols[0]?.length ?? 0;
  if (n === 0) return 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    if (cols.some((c, k) => (c[i] ?? 0) >= (t[k] ?? 1))) hits++;
  }
  return hits / n;
}

function jointThresholds(cols: readonly (readonly number[])[], target: number, floor: number): number[] {
  let lo = 0;
  let hi = target;
  let best = thresholdsFor(cols, 0, floor);
  if (unionRate(cols, thresholdsFor(cols, target, floor)) <= target)
    return thresholdsFor(cols, target, floor);
  for (let it = 0; it < 30; it++) {
    const mid = (lo + hi) / 2;
    const t = thresholdsFor(cols, mid, floor);
    if (unionRate(cols, t) <= target) {
      best = t;
      lo = mid;
    } else hi = mid;
  }
  return best;
}

/** Computes thresholds per key from the benign rows' scores (`benign[key]` = one score per benign row, same row order). */
export function calibrate(
  benign: Partial<Record<ScoreKey, readonly number[]>>,
  opts: CalibrationOptions = {},
): Partial<Record<ScoreKey, KeyThresholds>> {
  const { flagFpr = 0.02, blockFpr = 0.005, floor = { flag: 0.5, block: 0.8 } } = opts;
  const keys = Object.keys(benign) as ScoreKey[];
  const cols = keys.map((k) => benign[k] ?? []);
  const flag = jointThresholds(cols, flagFpr, floor.flag);
  const block = jointThresholds(cols, blockFpr, floor.block);
  const out: Partial<Record<ScoreKey, KeyThresholds>> = {};
  keys.forEach((key, k) => {
    const f = round6(flag[k] ?? 1);
    out[key] = { flag: f, block: Math.max(f, round6(block[k] ?? 1)) };
  });
  return out;
}

function round6(x: number): number {
  return Math.min(1, Math.ceil(x * 1e6) / 1e6);
}
