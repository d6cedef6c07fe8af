/** `manifest.json` of a trained model directory: schema (zod, validated on load) and reader. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { SCORE_KEYS, STAGES } from "./types.ts";

const thresholds = z.object({ flag: z.number().min(0).max(1), block: z.number().min(0).max(1) });

/** Zod schema of `manifest.json`. */
export const manifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  stage: z.enum(STAGES),
  kind: z.literal("embedding-bag"),
  labels: z.array(z.enum(SCORE_KEYS)).min(1),
  featurizer: z.object({
    buckets: z.number().int().positive(),
    // n-grams are at least one character long (the featurizer hashes lengths minN..maxN in one pass).
    minN: z.number().int().min(1),
    maxN: z.number().int().nonnegative(),
    bigrams: z.boolean(),
    maxWordChars: z.number().int().positive(),
    maxTokens: z.number().int().positive(),
    seed: z.number().int(),
  }),
  architecture: z.object({
    bags: z.number().int().positive(),
    dim: z.number().int().positive(),
    hidden: z.number().int().nonnegative(),
  }),
  /**
   * Windowed scoring (`windows.ts`): long inputs are also scored in windows of `tokens` tokens every `stride`
   * tokens over the listed bags. The thresholds were calibrated with it; absent = the whole input only.
   */
  windows: z
    .object({
      tokens: z.number().int().positive(),
      stride: z.number().int().positive(),
      bags: z.array(z.number().int().nonnegative()).min(1),
      /** Window thresholds were set on the benign rows with at least this many windows. */
      minWindows: z.number().int().positive().optional(),
      /** Calibrated thresholds of the raw window maximum; `classify` maps window scores onto `thresholds`. */
      thresholds: z.partialRecord(z.enum(SCORE_KEYS), thresholds).optional(),
    })
    .refine(
      (w) => w.stride <= w.tokens && w.tokens % w.stride === 0,
      "windows.stride must divide windows.tokens",
    )
    .optional(),
  /** Per score key: `flag` / `block` thresholds calibrated on benign val rows. */
  thresholds: z.partialRecord(z.enum(SCORE_KEYS), thresholds),
  calibration: z.object({
    flagFpr: z.number(),
    blockFpr: z.number(),
    rows: z.number().int(),
    split: z.string(),
  }),
  training: z.object({
    dataDigest: z.string(),
    rows: z.number().int(),
    examples: z.number().int(),
    seed: z.number().int(),
    hyper: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  }),
  /** Headline validation figures (the full report is `models/eval-report.md`). */
  eval: z.record(z.string(), z.number().nullable()),
  files: z.object({ model: z.string(), modelSha256: z.string() }),
});

/** A parsed `manifest.json`. */
export type Manifest = z.infer<typeof manifestSchema>;

/** Reads and validates `<dir>/manifest.json`; throws with the zod message when it is malformed. */
export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, "manifest.json");
  const parsed = manifestSchema.safeParse(JSON.parse(await readFile(path, "utf8")));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.message}`);
  if (parsed.data.windows?.bags.some((b) => b >= parsed.data.architecture.bags))
    throw new Error(`${path}: windows.bags names a bag the model does not have`);
  return parsed.data;
}
