/**
 * Policy presets (DESIGN section 3). `asl3`: every stage on, streaming hold-back, fail-closed, CBRN and child
 * safety blocked at a low threshold. `asl2`: prompt stage only, fail-open, flag-heavy. Thresholds come from the
 * trained models' calibrated values when a model serves the stage, otherwise from rules-only defaults.
 */
import type { ScoreKey, Stage } from "../../classifiers/types.ts";
import type { StagePolicy, StreamPolicy, Threshold } from "../../config/schema.ts";

/** What the presets need to know about each registered classifier. */
export interface ClassifierInfo {
  readonly name: string;
  readonly kind: "rules" | "signatures" | "onnx" | "transformer" | "judge";
  /** Stage a trained model was built for; rules, signatures and judges serve every stage. */
  readonly stage?: Stage;
  /** Calibrated thresholds from a model manifest. */
  readonly thresholds?: Partial<Record<ScoreKey, { flag: number; block: number }>>;
}

export interface PresetPolicy {
  readonly stages: Record<Stage, StagePolicy>;
  readonly stream: StreamPolicy;
}

/** Thresholds for rule-only stages: rules score 0.8-1.0 on a hit and 0 otherwise. */
const RULES_ONLY: Partial<Record<ScoreKey, Threshold>> = {
  harmful: { flag: 0.5, block: 0.95 },
  attack: { flag: 0.5, block: 0.8 },
  cbrn: { block: 0.3 },
  child_safety: { block: 0.5 },
  cyber: { flag: 0.5 },
};

const SEVERE: readonly ScoreKey[] = ["cbrn", "child_safety"];

function cascadeFor(stage: Stage, infos: readonly ClassifierInfo[]): string[][] {
  const first = infos
    .filter(
      (i) => i.kind === "rules" || (i.kind === "signatures" && stage !== "completion") || i.stage === stage,
    )
    .map((i) => i.name);
  const judges = infos.filter((i) => i.kind === "judge").map((i) => i.name);
  return [first, judges].filter((t) => t.length > 0);
}

/**
 * The preset thresholds of a stage: from the calibrated manifest of the stage's model when that model is in the
 * stage's cascade (pass only the classifiers of the cascade), otherwise the rules-only defaults.
 */
export function thresholdsFor(
  stage: Stage,
  infos: readonly ClassifierInfo[],
  strict: boolean,
): StagePolicy["thresholds"] {
  const model = infos.find((i) => i.stage === stage && i.thresholds !== undefined);
  if (!model?.thresholds) {
    if (strict) return RULES_ONLY;
    return {
      harmful: { flag: 0.5 },
      attack: { flag: 0.5 },
      cbrn: { block: 0.5 },
      child_safety: { block: 0.5 },
    };
  }
  const out: StagePolicy["thresholds"] = {};
  for (const [key, t] of Object.entries(model.thresholds) as [ScoreKey, { flag: number; block: number }][]) {
    out[key] = modelThreshold(stage, key, t, strict);
  }
  return out;
}

/**
 * How a preset uses one calibrated key. Measured on the everyday sanity set (`models/README.md`): the prompt model's
 * `harmful` head alone over-refuses everyday requests, while a confident category head rarely does - so on the
 * request stages asl3 blocks on a confident category (or attack, or a severe category at its low flag threshold)
 * and only flags on `harmful` alone; the completion stage, which judges a completion with its prompt, blocks on
 * `harmful` too.
 */
function modelThreshold(
  stage: Stage,
  key: ScoreKey,
  t: { flag: number; block: number },
  strict: boolean,
): Threshold {
  if (SEVERE.includes(key))
    return strict ? { block: t.flag, label: t.flag } : { flag: t.flag, block: t.block };
  if (key === "attack") return strict ? { flag: t.flag, block: t.block } : { flag: t.flag };
  if (key === "harmful")
    return strict && stage === "completion" ? { flag: t.flag, block: t.block } : { flag: t.flag };
  return strict && stage !== "completion"
    ? { label: t.flag, block: Math.max(t.block, 0.9) }
    : { label: t.flag };
}

function stage(
  stageName: Stage,
  infos: readonly ClassifierInfo[],
  o: { strict: boolean; enabled: boolean },
): StagePolicy {
  return {
    enabled: o.enabled,
    cascade: cascadeFor(stageName, infos),
    uncertain: { low: 0.35, high: 0.75 },
    thresholds: thresholdsFor(stageName, infos, o.strict),
    deadlineMs: stageName === "completion" ? 250 : 150,
    failMode: o.strict ? "closed" : "open",
  };
}

/** Builds a preset for the classifiers that are registered. */
export function buildPreset(name: "asl2" | "asl3", infos: readonly ClassifierInfo[]): PresetPolicy {
  const strict = name === "asl3";
  return {
    stages: {
      prompt: stage("prompt", infos, { strict, enabled: true }),
      conversation: stage("conversation", infos, { strict, enabled: strict }),
      completion: stage("completion", infos, { strict, enabled: strict }),
    },
    stream: {
      mode: strict ? "hold-back" : "release-then-check",
      scoreEveryChars: 96,
      holdBackChars: 256,
      maxHoldMs: 150,
    },
  };
}
