/**
 * The streaming figure of the completion model: feed each harmful completion to a stream scorer in fixed
 * chunks and record the share of its characters seen when the calibrated `flag` action first fires.
 */
import type { CompletionRow } from "../data.ts";
import type { Classifier, ScoreKey } from "../types.ts";
import type { KeyThresholds } from "../window-scale.ts";
import { actionFor } from "./evaluate.ts";

/** Result of the streaming simulation. */
export interface StreamingFigure {
  readonly chunkChars: number;
  readonly harmfulCompletions: number;
  /** Share flagged by the end of the stream. */
  readonly flaggedByEnd: number | null;
  /** Mean / median share of characters seen before the flag, over the flagged ones. */
  readonly meanShareSeen: number | null;
  readonly medianShareSeen: number | null;
}

/** Streams each harmful completion in `chunkChars` deltas. */
export async function streamingFigure(
  classifier: Classifier,
  rows: readonly CompletionRow[],
  thresholds: Partial<Record<ScoreKey, KeyThresholds>>,
  chunkChars = 20,
): Promise<StreamingFigure> {
  const signal = new AbortController().signal;
  const shares: number[] = [];
  const harmful = rows.filter((r) => r.harmful && r.completion.length > 0);
  for (const row of harmful) {
    const scorer = classifier.createStreamScorer?.(row.prompt);
    if (!scorer) break;
    for (let at = 0; at < row.completion.length; at += chunkChars) {
      const res = await scorer.update(row.completion.slice(at, at + chunkChars), signal);
      if (res.ok && actionFor(res.value, thresholds) !== "allow") {
        shares.push(Math.min(row.completion.length, at + chunkChars) / row.completion.length);
        break;
      }
    }
  }
  shares.sort((a, b) => a - b);
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    chunkChars,
    harmfulCompletions: harmful.length,
    flaggedByEnd: harmful.length ? r4(shares.length / harmful.length) : null,
    meanShareSeen: shares.length ? r4(shares.reduce((a, b) => a + b, 0) / shares.length) : null,
    medianShareSeen: shares.length ? r4(shares[Math.floor(shares.length / 2)] ?? 0) : null,
  };
}
