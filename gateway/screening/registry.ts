/**
 * Builds the classifier registry from config: the built-in rules, the trained models found under `models/` (one
 * per stage), and whatever the config file adds or overrides by name.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createOnnxClassifier } from "../../classifiers/onnx-classifier.ts";
import { createRulesClassifier } from "../../classifiers/rules.ts";
import { STAGES, type Classifier } from "../../classifiers/types.ts";
import type { PoolObserver } from "../../classifiers/transformer/pool.ts";
import type { ClassifierConfig } from "../../config/schema.ts";
import { DEFAULT_RULES } from "../../config/default-rules.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ClassifierInfo } from "./presets.ts";

/** The series a transformer classifier's worker pool reports to. */
type TransformerMetrics = Pick<
  Metrics,
  "transformerQueueSeconds" | "transformerRunSeconds" | "transformerRestarts"
>;

export interface Registry {
  readonly classifiers: Map<string, Classifier>;
  readonly infos: ClassifierInfo[];
}

export interface RegistryOptions {
  /** Classifiers from the config file, by name; they override built-ins of the same name. */
  configured: Readonly<Record<string, ClassifierConfig>>;
  /** Where the shipped models live; `<modelsDir>/<stage>/manifest.json`. Unset = no built-in models. */
  modelsDir?: string;
  env: NodeJS.ProcessEnv;
  /** Classifiers built elsewhere (e.g. the Redis-synced signatures classifier), registered first. @defaultValue [] */
  extra?: readonly { readonly classifier: Classifier; readonly info: ClassifierInfo }[];
  /** Where transformer pools record queue wait, run time and worker restarts. Unset = not recorded. */
  metrics?: TransformerMetrics;
}

/** Records one transformer classifier's pool timings and restarts, labelled by the classifier's name only. */
function transformerObserver(m: TransformerMetrics, classifier: string): PoolObserver {
  const labels = { classifier };
  return {
    queueWait: (ms) => m.transformerQueueSeconds.observe(labels, ms / 1000),
    run: (ms) => m.transformerRunSeconds.observe(labels, ms / 1000),
    workerRestart: () => m.transformerRestarts.inc(labels),
  };
}

async function create(
  name: string,
  c: ClassifierConfig,
  opts: RegistryOptions,
): Promise<[Classifier, ClassifierInfo]> {
  const { env } = opts;
  switch (c.kind) {
    case "rules":
      return [createRulesClassifier({ name, rules: c.rules }), { name, kind: "rules" }];
    case "onnx": {
      const m = await createOnnxClassifier({ dir: c.dir, name });
      return [m, { name, kind: "onnx", stage: m.manifest.stage, thresholds: m.thresholds }];
    }
    case "transformer": {
      // Loaded only when configured; runs in a worker_threads pool.
      const { createTransformerClassifier } =
        await import("../../classifiers/transformer/transformer-classifier.ts");
      const t = await createTransformerClassifier({
        dir: c.dir,
        name,
        maxTokens: c.maxTokens,
        poolSize: c.poolSize,
        deadlineMs: c.deadlineMs,
        ...(c.labelMap ? { labelMap: c.labelMap } : {}),
        ...(opts.metrics ? { observer: transformerObserver(opts.metrics, name) } : {}),
      });
      return [t, { name, kind: "transformer" }];
    }
    case "judge": {
      // Loaded only when a judge is configured.
      const { createJudgeClassifier } = await import("../../classifiers/judge/judge-classifier.ts");
      const j = createJudgeClassifier({
        name,
        baseUrl: c.baseUrl,
        model: c.model,
        timeoutMs: c.timeoutMs,
        ...(c.apiKeyEnv && env[c.apiKeyEnv] ? { apiKey: env[c.apiKeyEnv] } : {}),
      });
      return [j, { name, kind: "judge" }];
    }
  }
}

/** Loads every classifier once (models are read and their sessions created here, at boot). */
export async function buildRegistry(opts: RegistryOptions): Promise<Registry> {
  const classifiers = new Map<string, Classifier>([
    ["rules", createRulesClassifier({ rules: DEFAULT_RULES })],
  ]);
  const infos: ClassifierInfo[] = [{ name: "rules", kind: "rules" }];
  for (const { classifier, info } of opts.extra ?? []) {
    classifiers.set(info.name, classifier);
    infos.push(info);
  }
  const all: Record<string, ClassifierConfig> = {};
  if (opts.modelsDir !== undefined) {
    for (const stage of STAGES) {
      const dir = join(opts.modelsDir, stage);
      if (existsSync(join(dir, "manifest.json"))) all[`${stage}-model`] = { kind: "onnx", dir };
    }
  }
  Object.assign(all, opts.configured);
  for (const [name, c] of Object.entries(all)) {
    const [classifier, info] = await create(name, c, opts);
    classifiers.set(name, classifier);
    const i = infos.findIndex((x) => x.name === name);
    if (i >= 0) infos.splice(i, 1);
    infos.push(info);
  }
  return { classifiers, infos };
}
