/**
 * `npm run eval [-- --data DIR] [--synthetic DIR] [--models models] [--out models/eval-report] [--holdouts]`
 * Scores every row with the served ONNX models: headline out-of-distribution figures (realistic benign traffic,
 * eval-only harmful and attack sources, look-alikes, with the asl3 action), then the in-distribution `val` split
 * (permissive and all rows), and the padded-request probe (`eval/padding.ts`). `--holdouts` also runs
 * leave-one-source-out training (slow: one prompt-model training per group, `--holdout-epochs` each) into
 * `<out>-holdouts.json`; the report includes the latest one.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  TRAINING_DATA_ENV,
  isSynthetic,
  readStageData,
  resolveDataDir,
  resolveSyntheticDir,
} from "../data.ts";
import type { CompletionRow } from "../data.ts";
import { evaluateSubset } from "../eval/evaluate.ts";
import type { ScoredRow } from "../eval/evaluate.ts";
import { headlineFigures } from "../eval/headline.ts";
import { paddedFigures, stageProbe } from "../eval/padded-figures.ts";
import { runHoldouts } from "../eval/loso.ts";
import type { HoldoutFigures } from "../eval/loso.ts";
import { renderMarkdown } from "../eval/markdown.ts";
import { DEFAULT_SEED, STAGE_CONFIGS } from "../train/config.ts";
import type { EvalReport, StageReport } from "../eval/markdown.ts";
import { readSanitySet, sanityFigures } from "../eval/sanity.ts";
import { streamingFigure } from "../eval/streaming.ts";
import { expandInput } from "../normalize.ts";
import { createOnnxClassifier } from "../onnx-classifier.ts";
import { rowToClassifierInput } from "../stage-input.ts";
import { STAGES } from "../types.ts";
import type { ClassifierInput, Scores, Stage } from "../types.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    synthetic: { type: "string" },
    holdouts: { type: "boolean", default: false },
    "holdout-epochs": { type: "string", default: "1" },
    models: { type: "string", default: "models" },
    out: { type: "string" },
    stage: { type: "string", multiple: true },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(
    [
      "usage: npm run eval [-- options]",
      `  --data DIR            shared labelled data (or ${TRAINING_DATA_ENV}; default ../shared/data)`,
      "  --synthetic DIR       synthetic rows (or PORTCULLIS_SYNTHETIC_DIR; default data/synthetic)",
      "  --models DIR          served models to score with (default models)",
      "  --out PATH            report path without extension (default <models>/eval-report)",
      "  --stage STAGE         prompt|completion|conversation; repeatable (default all three)",
      "  --holdouts            also run leave-one-source-out training (slow)",
      "  --holdout-epochs N    epochs per holdout training (default 1)",
      "",
    ].join("\n"),
  );
  process.exit(0);
}

const dataDir = resolveDataDir(values.data);
const syntheticDir = resolveSyntheticDir(values.synthetic);
const modelsDir = resolve(values.models);
const out = resolve(values.out ?? join(modelsDir, "eval-report"));
const stages = (values.stage ?? [...STAGES]) as Stage[];
const signal = new AbortController().signal;

async function evalStage(stage: Stage): Promise<StageReport> {
  const clf = await createOnnxClassifier({ dir: join(modelsDir, stage) });
  const everything: ScoredRow[] = [];
  for (const { row } of await readStageData(dataDir, stage, syntheticDir)) {
    const input = rowToClassifierInput(stage, row);
    if (!input) continue;
    const res = await clf.classify(expandInput(input), signal);
    if (!res.ok) throw new Error(`${row.id}: ${res.error.message}`);
    everything.push({ row, scores: res.value });
  }
  const th = clf.manifest.thresholds;
  const screen = async (input: ClassifierInput): Promise<Scores> => {
    const res = await clf.classify(expandInput(input), signal);
    if (!res.ok) throw new Error(res.error.message);
    return res.value;
  };
  const promptRows =
    stage === "conversation" ? (await readStageData(dataDir, "prompt", syntheticDir)).map((r) => r.row) : [];
  const settings = clf.manifest.featurizer;
  const probe = stageProbe(
    stage,
    everything.map((s) => s.row),
    promptRows,
    settings,
  );
  const headline = {
    ...headlineFigures(stage, everything, th),
    padded: await paddedFigures(stage, probe, screen, th, { settings, scored: everything }),
  };
  const scored = everything.filter((s) => s.row.split === "val" && !isSynthetic(s.row));
  const rows = scored.map((s) => s.row);
  const report: StageReport = {
    stage,
    model: `${clf.manifest.name}@${clf.manifest.version}`,
    thresholds: th,
    headline,
    subsets: {
      permissive: evaluateSubset(
        stage,
        scored.filter((s) => s.row.permissive),
        th,
      ),
      all: evaluateSubset(stage, scored, th),
    },
  };
  if (stage === "completion") {
    const comp = rows as CompletionRow[];
    return {
      ...report,
      streaming: {
        permissive: await streamingFigure(
          clf,
          comp.filter((r) => r.permissive),
          th,
        ),
        all: await streamingFigure(clf, comp, th),
      },
    };
  }
  if (stage === "prompt") {
    const sanity = await sanityFigures(
      await readSanitySet(),
      async (text) => {
        const res = await clf.classify({ stage, text }, signal);
        if (!res.ok) throw new Error(res.error.message);
        return res.value;
      },
      th,
    );
    await clf.close?.();
    return { ...report, sanity };
  }
  await clf.close?.();
  return report;
}

const holdoutsFile = `${out}-holdouts.json`;
const holdoutCommand = `npm run eval -- --holdouts --holdout-epochs ${values["holdout-epochs"]}`;
if (values.holdouts) {
  const figures: HoldoutFigures[] = [];
  for (const stage of stages) {
    const config = STAGE_CONFIGS[stage];
    figures.push(
      ...(await runHoldouts({
        stage,
        dataDir,
        syntheticDir,
        config: { ...config, epochs: Math.min(config.epochs, Number(values["holdout-epochs"])) },
        seed: DEFAULT_SEED,
        onGroup: (name) => process.stderr.write(`${stage}: holding out ${name}...\n`),
      })),
    );
  }
  await writeFile(holdoutsFile, `${JSON.stringify({ command: holdoutCommand, figures }, null, 2)}\n`);
}
const holdouts = await readFile(holdoutsFile, "utf8").then(
  (t) => JSON.parse(t) as { command: string; figures: HoldoutFigures[] },
  () => undefined,
);
const report: EvalReport = {
  dataDir: relative(process.cwd(), dataDir) || ".",
  split: "val",
  stages: [],
  ...(holdouts ? { holdouts } : {}),
};
for (const stage of stages) {
  process.stderr.write(`evaluating ${stage}...\n`);
  report.stages.push(await evalStage(stage));
}
await writeFile(`${out}.json`, `${JSON.stringify(report, null, 2)}\n`);
await writeFile(`${out}.md`, renderMarkdown(report));
process.stdout.write(`wrote ${out}.md and ${out}.json\n`);
