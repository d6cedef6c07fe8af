/**
 * `npm run eval [-- --data DIR] [--models models] [--out models/eval-report]`
 * Scores the val split (permissive and all rows) with the served ONNX models and writes
 * `<out>.md` + `<out>.json`.
 */
import { writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readStageRows, resolveDataDir } from "../data.ts";
import type { CompletionRow } from "../data.ts";
import { evaluateSubset } from "../eval/evaluate.ts";
import type { ScoredRow } from "../eval/evaluate.ts";
import { renderMarkdown } from "../eval/markdown.ts";
import type { EvalReport, StageReport } from "../eval/markdown.ts";
import { readSanitySet, sanityFigures } from "../eval/sanity.ts";
import { streamingFigure } from "../eval/streaming.ts";
import { createOnnxClassifier } from "../onnx-classifier.ts";
import { rowToClassifierInput } from "../stage-input.ts";
import { STAGES } from "../types.ts";
import type { Stage } from "../types.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    models: { type: "string", default: "models" },
    out: { type: "string" },
    stage: { type: "string", multiple: true },
  },
});

const dataDir = resolveDataDir(values.data);
const modelsDir = resolve(values.models);
const out = resolve(values.out ?? join(modelsDir, "eval-report"));
const stages = (values.stage ?? [...STAGES]) as Stage[];
const signal = new AbortController().signal;

async function evalStage(stage: Stage): Promise<StageReport> {
  const clf = await createOnnxClassifier({ dir: join(modelsDir, stage) });
  const rows = (await readStageRows(dataDir, stage)).filter((r) => r.row.split === "val").map((r) => r.row);
  const scored: ScoredRow[] = [];
  for (const row of rows) {
    const input = rowToClassifierInput(stage, row);
    if (!input) continue;
    const res = await clf.classify(input, signal);
    if (!res.ok) throw new Error(`${row.id}: ${res.error.message}`);
    scored.push({ row, scores: res.value });
  }
  const th = clf.manifest.thresholds;
  const report: StageReport = {
    stage,
    model: `${clf.manifest.name}@${clf.manifest.version}`,
    thresholds: th,
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

const report: EvalReport = { dataDir: relative(process.cwd(), dataDir) || ".", split: "val", stages: [] };
for (const stage of stages) {
  process.stderr.write(`evaluating ${stage}...\n`);
  report.stages.push(await evalStage(stage));
}
await writeFile(`${out}.json`, `${JSON.stringify(report, null, 2)}\n`);
await writeFile(`${out}.md`, renderMarkdown(report));
process.stdout.write(`wrote ${out}.md and ${out}.json\n`);
