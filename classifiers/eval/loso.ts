/**
 * Leave-one-source-out evaluation (issue 9): for every source group, train the stage's model without it, calibrate
 * as the shipped model is calibrated, and score the group. The synthetic data is held out by generation batch
 * (train on batch `a`, score batch `b`), so no figure comes from rows of a batch the model trained on. The prompt
 * stage holds out every group; the completion and conversation stages, whose shared data is small, hold out the
 * synthetic batch.
 */
import { isSynthetic, readStageData, rowAttack } from "../data.ts";
import type { DataRow } from "../data.ts";
import { toScores } from "../onnx-classifier.ts";
import type { StageConfig } from "../train/pipeline.ts";
import { scoreReference } from "../train/calibration.ts";
import { toItems } from "../train/examples.ts";
import { trainStage } from "../train/pipeline.ts";
import { actionRates, groupFigures } from "./headline.ts";
import type { ActionRates, GroupFigures } from "./headline.ts";
import type { ScoredRow } from "./evaluate.ts";
import { isRealisticBenign, realisticHalf } from "./realistic.ts";
import type { Stage } from "../types.ts";

/** A held-out group: a name and which rows belong to it. */
export interface HoldoutGroup {
  readonly name: string;
  readonly member: (row: DataRow) => boolean;
}

const sources = (name: string, list: readonly string[]): HoldoutGroup => {
  const set = new Set(list);
  return { name, member: (r) => set.has(r.source) };
};

/** The synthetic rows of generation batch `b` (the model trains on batch `a`). */
export const SYNTHETIC_BATCH_B: HoldoutGroup = {
  name: "synthetic, batch b (trained on batch a)",
  member: (r) => isSynthetic(r) && r.batch === "b",
};

/** The prompt-stage groups, by kind of source (a group's sources resemble each other more than the rest). */
export const PROMPT_HOLDOUT_GROUPS: readonly HoldoutGroup[] = [
  sources("harmful instructions (AdvBench, HarmBench)", [
    "advbench_behaviors",
    "advbench_strings",
    "harmbench_val",
  ]),
  sources(
    "harmful questions (HarmfulQA, DangerousQA, CatQA, Do-Not-Answer, forbidden questions, CoCoNot, GPTFuzz)",
    [
      "harmfulqa",
      "dangerousqa",
      "catqa",
      "do_not_answer",
      "forbidden_questions",
      "coconot_eval",
      "gptfuzz_questions",
    ],
  ),
  sources("AART", ["aart"]),
  sources("cyber (CySecBench, CyberSecEval MITRE / interpreter, RedCode)", [
    "cysecbench",
    "cse_mitre",
    "cse_interpreter",
    "redcode_exec",
    "redcode_gen",
  ]),
  sources("hate speech (Davidson, ToxiGen)", ["davidson", "toxigen_seeds"]),
  sources("jailbreaks (in the wild, latent, GPTFuzz templates)", [
    "jailbreak_itw",
    "latent_jailbreak",
    "gptfuzz_templates",
  ]),
  sources("injections (Gandalf, CyberSecEval)", ["gandalf", "cse_prompt_injection"]),
  sources("everyday instructions and chat", [
    "awesome_chatgpt_prompts",
    "gpteacher_roleplay",
    "gpteacher_codegen",
    "arena_hard",
    "ifeval",
    "self_instruct",
    "oasst1",
    "oasst_model_eval",
    "vicuna_bench",
    "humaneval",
    "coconot_contrast",
  ]),
  sources("domain QA (NQ, MMLU, MedQuAD, ChatDoctor, GSM8K, PubMedQA, MeQSum, TruthfulQA)", [
    "nq_open",
    "mmlu",
    "medquad",
    "chatdoctor",
    "gsm8k",
    "pubmedqa",
    "meqsum",
    "truthfulqa",
  ]),
  sources("security and lab-safety look-alikes (CyberSecEval benign, LabSafety)", [
    "cse_instruct",
    "cse_crwd_malware",
    "cse_crwd_threatintel",
    "cse_mitre_frr",
    "labsafety",
  ]),
  SYNTHETIC_BATCH_B,
];

/** Figures of one held-out group. */
export interface HoldoutFigures {
  stage: Stage;
  name: string;
  /** Harmful rows of the group: asl3 rates and recall at the realistic 1% FPR (attack head for attack rows). */
  harmful: GroupFigures & {
    byCategory?: Record<string, GroupFigures>;
    byClauseFamily?: Record<string, GroupFigures>;
  };
  attack?: GroupFigures;
  /** Benign rows of the group: asl3 rates. */
  benign: ActionRates & { byClauseFamily?: Record<string, ActionRates> };
  /** The held-out model's asl3 rates on the realistic benign report half. */
  realisticBenign: ActionRates;
  trainSeconds: number;
}

/** Options of a leave-one-out run. */
export interface HoldoutOptions {
  readonly stage: Stage;
  readonly dataDir: string;
  readonly syntheticDir: string;
  readonly config: StageConfig;
  readonly seed: number;
  readonly groups?: readonly HoldoutGroup[];
  readonly onGroup?: (name: string) => void;
}

const family = (clause: string | undefined): string => (clause ?? "-").replace(/\d+[a-z]?$/, "");

/** Trains without each group and scores it. Slow: one training per group. */
export async function runHoldouts(o: HoldoutOptions): Promise<HoldoutFigures[]> {
  const { stage } = o;
  const all = await readStageData(o.dataDir, stage, o.syntheticDir);
  // Only the report half of the realistic benign set is scored against each held-out model.
  const realisticRows = all.filter((r) => isRealisticBenign(r.row) && realisticHalf(r.row) === "report");
  const out: HoldoutFigures[] = [];
  for (const g of o.groups ?? (stage === "prompt" ? PROMPT_HOLDOUT_GROUPS : [SYNTHETIC_BATCH_B])) {
    o.onGroup?.(g.name);
    const t0 = Date.now();
    const res = await trainStage({
      stage,
      dataDir: o.dataDir,
      syntheticDir: o.syntheticDir,
      config: o.config,
      seed: o.seed,
      exclude: g.member,
    });
    const th = res.manifest.thresholds;
    const members = all.filter((r) => g.member(r.row));
    const score = (rows: typeof all): ScoredRow[] => {
      const items = toItems(stage, rows);
      const probs = scoreReference(res.weights, o.config.featurizer, items, res.manifest);
      return items.map((it, i) => ({ row: it.row, scores: toScores(res.weights.labels, probs[i] ?? []) }));
    };
    const realistic = score(realisticRows);
    const scored = score(members);
    const harm = scored.filter((r) => r.row.harmful && rowAttack(r.row) === null);
    const atk = scored.filter((r) => rowAttack(r.row) !== null);
    const benign = scored.filter((r) => !r.row.harmful && rowAttack(r.row) === null);
    const benignHarmful = realistic.map((r) => r.scores.harmful ?? 0);
    const byCategory: Record<string, GroupFigures> = {};
    for (const cat of new Set(harm.flatMap((r) => r.row.categories)))
      byCategory[cat] = groupFigures(
        stage,
        harm.filter((r) => r.row.categories.includes(cat)),
        th,
        "harmful",
        benignHarmful,
      );
    const synthetic = scored.some((r) => isSynthetic(r.row));
    const byFamily = <T>(rows: ScoredRow[], f: (rs: ScoredRow[]) => T): Record<string, T> => {
      const m: Record<string, ScoredRow[]> = {};
      for (const r of rows) (m[family(r.row.clause)] ??= []).push(r);
      return Object.fromEntries(
        Object.entries(m)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, f(v)]),
      );
    };
    out.push({
      stage,
      name: g.name,
      harmful: {
        ...groupFigures(stage, harm, th, "harmful", benignHarmful),
        byCategory,
        ...(synthetic
          ? {
              byClauseFamily: byFamily(harm, (rs) => groupFigures(stage, rs, th, "harmful", benignHarmful)),
            }
          : {}),
      },
      ...(atk.length
        ? {
            attack: groupFigures(
              stage,
              atk,
              th,
              "attack",
              realistic.map((r) => r.scores.attack ?? 0),
            ),
          }
        : {}),
      benign: {
        ...actionRates(stage, benign, th),
        ...(synthetic ? { byClauseFamily: byFamily(benign, (rs) => actionRates(stage, rs, th)) } : {}),
      },
      realisticBenign: actionRates(stage, realistic, th),
      trainSeconds: Math.round((Date.now() - t0) / 1000),
    });
  }
  return out;
}
