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

/**
 * Per-source weight multipliers (prompt and conversation stages). The permissive benign pool is dominated by
 * domain QA (NQ-open, MMLU, ChatDoctor, MedQuAD, GSM8K, PubMedQA) while harmful rows are imperative requests,
 * so the first models learned "an everyday instruction is harmful" ("Can you help me write a cover letter"
 * 0.99). Everyday-instruction benign sources get x3 their square-root weight, domain-QA pools x0.5.
 */
export const SOURCE_FACTORS: Readonly<Record<string, number>> = {
  awesome_chatgpt_prompts: 3,
  gpteacher_roleplay: 3,
  gpteacher_codegen: 3,
  arena_hard: 3,
  ifeval: 3,
  self_instruct: 3,
  oasst1: 3,
  oasst_model_eval: 3,
  coconot_contrast: 3,
  vicuna_bench: 3,
  humaneval: 3,
  nq_open: 0.5,
  mmlu: 0.5,
  chatdoctor: 0.5,
  medquad: 0.5,
  gsm8k: 0.5,
  pubmedqa: 0.5,
  meqsum: 0.5,
  truthfulqa: 0.5,
  // The team's synthetic rows (classifiers/synthetic): written to cover what the public pools miss - real
  // everyday traffic, look-alikes that share harmful vocabulary, CBRN, other languages - so they weigh more than
  // their square root alone would give.
  "synthetic-everyday": 4,
  "synthetic-cbrn": 3,
  "synthetic-multilingual": 3,
  "synthetic-cyber-crime": 2.5,
  "synthetic-violence-child": 2.5,
  "synthetic-hate-sexual-selfharm": 2.5,
  "synthetic-attacks": 2.5,
  "synthetic-multiturn": 3,
  "synthetic-completions": 3,
};

/** The shipped configuration of each stage. */
export const STAGE_CONFIGS: Record<Stage, StageConfig> = {
  prompt: {
    featurizer: featurizer(1 << 17),
    dim: 32,
    hidden: 64,
    epochs: 3,
    lrEmb: 0.01,
    lrDense: 0.002,
    batch: 16,
    weights: { sourcePower: 0.5, weakFactor: 0.5, harmfulShare: 0.35, sourceFactors: SOURCE_FACTORS },
    augmentShare: 0,
    phraseShare: 0.25,
    questionShare: 0.5,
    benignPhraseShare: 0.3,
    firstSentenceShare: 0.5,
    labelSmoothing: 0.05,
    // 16-token windows (the harmful training prompts are 18 tokens at the median); window thresholds set on
    // prompts of at least 16 windows (~136 tokens). Chosen on the calibration half (models/README.md).
    windows: { tokens: 16, stride: 8, bags: [0], minWindows: 16 },
    windowAugment: { tokens: 32, paddedShare: 0.3, cropShare: 1 },
  },
  completion: {
    featurizer: featurizer(1 << 16, 4096),
    dim: 32,
    hidden: 64,
    epochs: 6,
    lrEmb: 0.01,
    lrDense: 0.002,
    batch: 16,
    weights: { sourcePower: 0.5, weakFactor: 0.5, harmfulShare: 0.5, sourceFactors: SOURCE_FACTORS },
    augmentShare: 0,
    labelSmoothing: 0.05,
    contextSwapShare: 0.3,
    prefixShare: 0.3,
    degenerateShare: 0.3,
    // The completion model is not retrained for windows; 64-token windows every 16 tokens, thresholds set on
    // every answer longer than one window (on answers of 4+ windows: too few rows, padded recall 28% -> 8%).
    windows: { tokens: 64, stride: 16, bags: [0] },
  },
  conversation: {
    featurizer: featurizer(1 << 16),
    dim: 32,
    hidden: 64,
    epochs: 5,
    lrEmb: 0.01,
    lrDense: 0.002,
    batch: 16,
    weights: { sourcePower: 0.5, weakFactor: 0.5, harmfulShare: 0.35, sourceFactors: SOURCE_FACTORS },
    augmentShare: 0.3,
    labelSmoothing: 0.05,
    // Windows as long as the token cap: only text past it gains windows (no blind spot). Shorter windows of long
    // conversations flagged 20-70% of benign padded histories (models/README.md).
    windows: { tokens: 1024, stride: 512, bags: [0, 1] },
  },
};

/** Default training seed. */
export const DEFAULT_SEED = 1337;
