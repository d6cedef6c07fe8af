/**
 * `npm run train [-- --data DIR] [--synthetic DIR] [--out models] [--stage prompt|completion|conversation] [--limit N]
 *  [--seed N] [--no-write] [--set key=value ...] [--calibrate-only]`
 * Trains the three models from the permissive train rows of the shared data plus the synthetic rows
 * (`data/synthetic`) and writes `models/<stage>/{model.onnx,manifest.json}`. `--calibrate-only` trains nothing:
 * it recomputes the thresholds (and window settings) of the models already in `--out` from the current config and
 * rewrites their manifests, leaving `model.onnx` untouched.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { TRAINING_DATA_ENV, resolveDataDir, resolveSyntheticDir } from "../data.ts";
import { DEFAULT_SEED, STAGE_CONFIGS } from "../train/config.ts";
import type { StageConfig } from "../train/pipeline.ts";
import { recalibrateStage } from "../train/calibration.ts";
import { trainStage } from "../train/pipeline.ts";
import { STAGES } from "../types.ts";
import type { Stage } from "../types.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    synthetic: { type: "string" },
    out: { type: "string", default: "models" },
    stage: { type: "string", multiple: true },
    limit: { type: "string" },
    seed: { type: "string" },
    "no-write": { type: "boolean", default: false },
    "no-progress": { type: "boolean", default: false },
    set: { type: "string", multiple: true },
    "calibrate-only": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(
    [
      "usage: npm run train [-- options]",
      `  --data DIR          shared labelled data (or ${TRAINING_DATA_ENV}; default ../shared/data)`,
      "  --synthetic DIR     synthetic rows (or PORTCULLIS_SYNTHETIC_DIR; default data/synthetic)",
      "  --out DIR           model directory (default models)",
      "  --stage STAGE       prompt|completion|conversation; repeatable (default all three)",
      "  --limit N           seeded sample of N rows",
      "  --seed N            training seed",
      "  --set key=value     stage config override, repeatable (e.g. --set epochs=3)",
      "  --no-write          train and report without writing the model",
      "  --no-progress       no progress bars",
      "  --calibrate-only    recompute the thresholds of the models in --out; train nothing",
      "",
    ].join("\n"),
  );
  process.exit(0);
}

function withOverrides(base: StageConfig, sets: readonly string[]): StageConfig {
  const cfg = structuredClone(base) as unknown as Record<string, unknown>;
  for (const s of sets) {
    const [path = "", raw = ""] = s.split("=");
    const keys = path.split(".");
    let target = cfg;
    for (const k of keys.slice(0, -1)) target = target[k] as Record<string, unknown>;
    const last = keys[keys.length - 1] ?? "";
    target[last] = raw === "true" ? true : raw === "false" ? false : Number(raw);
  }
  return cfg as unknown as StageConfig;
}

const stages = (values.stage ?? [...STAGES]) as Stage[];
for (const s of stages) if (!STAGES.includes(s)) throw new Error(`unknown stage ${s}`);
const dataDir = resolveDataDir(values.data);
const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
if (values["calibrate-only"]) {
  for (const stage of stages) {
    const started = Date.now();
    const manifest = await recalibrateStage({
      stage,
      dataDir,
      syntheticDir: resolveSyntheticDir(values.synthetic),
      windows: withOverrides(STAGE_CONFIGS[stage], values.set ?? []).windows,
      dir: resolve(values.out, stage),
    });
    process.stdout.write(`${stage}: recalibrated in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    process.stdout.write(`${stage}: ${JSON.stringify(manifest.eval)}\n`);
    process.stdout.write(`${stage}: thresholds ${JSON.stringify(manifest.thresholds)}\n`);
  }
  process.exit(0);
}
const bars = new cliProgress.MultiBar(
  {
    format: "{stage} [{bar}] {percentage}% | {value}/{total} steps | eta {eta_formatted}",
    stream: process.stderr,
    noTTYOutput: !values["no-progress"],
    notTTYSchedule: 5000,
  },
  cliProgress.Presets.shades_classic,
);
const started = Date.now();
for (const stage of stages) {
  const bar = bars.create(1, 0, { stage: stage.padEnd(12) });
  const config = withOverrides(STAGE_CONFIGS[stage], values.set ?? []);
  const res = await trainStage({
    stage,
    dataDir,
    syntheticDir: resolveSyntheticDir(values.synthetic),
    config,
    seed,
    ...(values.limit ? { limit: Number(values.limit) } : {}),
    ...(values["no-write"] ? {} : { outDir: resolve(values.out, stage) }),
    onProgress: (done, total) => {
      if (done === 1) bar.setTotal(total);
      if (done % 256 === 0 || done === total) bar.update(done);
    },
  });
  bar.stop();
  process.stdout.write(`${stage}: ${JSON.stringify(res.manifest.eval)}\n`);
  process.stdout.write(`${stage}: thresholds ${JSON.stringify(res.manifest.thresholds)}\n`);
}
bars.stop();
process.stdout.write(`trained ${stages.join(", ")} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
