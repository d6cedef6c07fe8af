/**
 * Bring-your-own transformer ONNX classifier: a Hugging Face-style directory (`model.onnx`,
 * `tokenizer.json`, `config.json` with `id2label`), tokenized with `@huggingface/tokenizers`, run in a
 * worker pool (`pool.ts`) because a transformer forward pass takes milliseconds, not microseconds.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { HARM_CATEGORIES, SCORE_KEYS, err, ok } from "../types.ts";
import type { Classifier, ClassifierError, ClassifierInput, Result, ScoreKey, Scores } from "../types.ts";
import { createWorkerPool, type PoolObserver } from "./pool.ts";

/** Options of `createTransformerClassifier`. */
export interface TransformerClassifierOptions {
  readonly dir: string;
  /** Model label (from `id2label`) -> our key; `null` ignores the label. Unlisted labels use `defaultLabelKey`. */
  readonly labelMap?: Readonly<Record<string, ScoreKey | null>>;
  /** Tokens per input; longer inputs are cut at the head, keeping the final special token. @defaultValue 512 */
  readonly maxTokens?: number;
  /** Worker threads. @defaultValue 1 */
  readonly poolSize?: number;
  /** Deadline per call, queue wait included. @defaultValue 250 */
  readonly deadlineMs?: number;
  /** Calls allowed to wait for a worker. @defaultValue 64 */
  readonly maxQueue?: number;
  /** @defaultValue "transformer" */
  readonly name?: string;
  /** Hears the pool's queue waits, run times and worker restarts (the gateway records them as metrics). */
  readonly observer?: PoolObserver;
}

const configSchema = z.object({
  id2label: z.record(z.string(), z.string()),
  problem_type: z.string().optional(),
});

/**
 * Default label mapping: a label named like one of our keys maps to it; injection / jailbreak / attack
 * labels to `attack`; unsafe / harmful / toxic / malicious labels to `harmful`; anything else (benign,
 * safe, ...) is ignored.
 */
export function defaultLabelKey(label: string): ScoreKey | null {
  const l = label.toLowerCase().replace(/[\s-]+/g, "_");
  if ((SCORE_KEYS as readonly string[]).includes(l)) return l as ScoreKey;
  if (/inject|jailbreak|attack/.test(l)) return "attack";
  if (/^(unsafe|harm|toxic|malicious|hate|offensive)/.test(l)) return "harmful";
  return null;
}

/** Converts logits to probabilities: sigmoid for multi-label models, softmax otherwise. */
export function logitsToProbs(logits: readonly number[], multiLabel: boolean): number[] {
  if (multiLabel) return logits.map((z) => 1 / (1 + Math.exp(-z)));
  const m = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Loads the directory and starts the pool (sessions created and warmed once per worker). */
export async function createTransformerClassifier(o: TransformerClassifierOptions): Promise<Classifier> {
  const config = configSchema.parse(JSON.parse(await readFile(join(o.dir, "config.json"), "utf8")));
  const multiLabel = config.problem_type === "multi_label_classification";
  const keys = Object.keys(config.id2label)
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => {
      const label = config.id2label[String(i)] ?? "";
      return o.labelMap && label in o.labelMap ? (o.labelMap[label] ?? null) : defaultLabelKey(label);
    });
  const pool = await createWorkerPool({
    dir: o.dir,
    maxTokens: o.maxTokens ?? 512,
    poolSize: o.poolSize ?? 1,
    maxQueue: o.maxQueue ?? 64,
    ...(o.observer ? { observer: o.observer } : {}),
  });
  const deadlineMs = o.deadlineMs ?? 250;

  async function classify(
    input: ClassifierInput,
    signal: AbortSignal,
  ): Promise<Result<Scores, ClassifierError>> {
    const res = await pool.run(input.text, null, deadlineMs, signal);
    if (!res.ok) return res;
    if (res.value.logits.length !== keys.length)
      return err({ code: "failed", message: "model output size differs from id2label", retryable: false });
    const probs = logitsToProbs(res.value.logits, multiLabel);
    const scores: Scores = {};
    keys.forEach((key, i) => {
      if (key) scores[key] = Math.max(scores[key] ?? 0, probs[i] ?? 0);
    });
    // Any mapped misuse label (attack or a category) also counts as `harmful`.
    let harmful = scores.harmful ?? 0;
    for (const k of ["attack", ...HARM_CATEGORIES] as const) harmful = Math.max(harmful, scores[k] ?? 0);
    if (keys.some((k) => k !== null)) scores.harmful = harmful;
    return ok(scores);
  }

  return { name: o.name ?? "transformer", kind: "transformer", classify, close: () => pool.close() };
}
