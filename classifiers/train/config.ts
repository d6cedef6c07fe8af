/** Default hyper-parameters per stage (chosen on val; alternatives and their figures in models/README.md). */
import type { FeaturizerSettings } from "../featurize.ts";
import type { Stage } from "../types.ts";
import type { StageConfig } from "./pipeline.ts";

const featurizer = (buckets: number, maxTokens = 1024): FeaturizerSettings => ({
  buckets,
  minN: 3,
  maxN: 5,
  bigrams: true,
  maxWordChars: 40,
  maxTokens,
  seed: 20240611,
});

/** The shipped configuration of each stage. */
export const STAGE_CONFIGS: Record<Stage, StageConfig> = {
  prompt: {
    featurizer: featurizer(1 << 17),
    dim: 32,
    hidden: 64,
    epochs: 5,
    lrEmb: 0.01,
    lrDense: 0.002,
    batch: 16,
    weights: { sourcePower: 0.5, weakFactor: 0.5, harmfulShare: 0.5 },
    augmentShare: 0,
    phraseShare: 0.25,
  },
  completion: {
    featurizer: featurizer(1 << 16, 4096),
    dim: 32,
    hidden: 64,
    epochs: 6,
    lrEmb: 0.01,
    lrDense: 0.002,
    batch: 16,
    weights: { sourcePower: 0.5, weakFactor: 0.5, harmfulShare: 0.5 },
    augmentShare: 0,
  },
  conversation: {
    featurizer: featurizer(1 << 16),
    dim: 32,
    hidden: 64,
    epochs: 5,
    lrEmb: 0.01,
    lrDense: 0.002,
    batch: 16,
    weights: { sourcePower: 0.5, weakFactor: 0.5, harmfulShare: 0.5 },
    augmentShare: 0.3,
  },
};

/** Default training seed. */
export const DEFAULT_SEED = 1337;
