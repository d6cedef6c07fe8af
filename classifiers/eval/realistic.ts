/**
 * The out-of-distribution sets of the evaluation and the calibration (issue 9): which rows stand for real benign
 * traffic, which for harmful and attack traffic the models never trained on, and how the realistic benign set is
 * halved (one half sets the thresholds, the other is reported).
 */
import { createHash } from "node:crypto";
import type { DataRow } from "../data.ts";
import { isSynthetic } from "../data.ts";

/**
 * Permissive sources of real chat traffic (people typing to an assistant; for conversations, MT-bench and the
 * DICES conversations the crowd rated safe). Only their `val` rows are unseen by training.
 */
export const PERMISSIVE_CHAT_SOURCES: ReadonlySet<string> = new Set([
  "oasst1",
  "oasst_model_eval",
  "arena_hard",
  "vicuna_bench",
  "self_instruct",
  "ifeval",
  // conversations
  "mtbench",
  "dices_990",
]);

/** Non-permissive benign sources of real traffic: never trained on, evaluation and calibration only. */
export const EVAL_ONLY_BENIGN_SOURCES: ReadonlySet<string> = new Set([
  "sharegpt",
  "alpaca",
  "toxicchat_train",
  "stl_alpaca",
  // completions: safe answers written for sensitive requests
  "medsafetybench_safe",
  "stl_safety_only",
]);

/** Benign look-alike sources (sensitive wording, permitted requests). */
export const LOOKALIKE_SOURCES: ReadonlySet<string> = new Set([
  "dna_fp",
  "stl_physical_safe",
  "coconot_contrast",
  "cse_mitre_frr",
  "labsafety",
]);

/** True when the row is real benign traffic the shipped model never trained on. */
export function isRealisticBenign(row: DataRow): boolean {
  if (row.harmful || isSynthetic(row)) return false;
  if (EVAL_ONLY_BENIGN_SOURCES.has(row.source)) return !row.permissive;
  return PERMISSIVE_CHAT_SOURCES.has(row.source) && row.split === "val";
}

/** Which half of the realistic benign set a row is in: thresholds are set on `calibration`, figures on `report`. */
export function realisticHalf(row: DataRow): "calibration" | "report" {
  return createHash("sha256").update(row.id).digest().readUInt8(0) % 2 === 0 ? "calibration" : "report";
}

/** Harmful and attack rows of sources no shipped model trained on (non-permissive, labelled by humans or heuristics). */
export function isEvalOnlyHarmful(row: DataRow): boolean {
  return row.harmful && !row.permissive && !isSynthetic(row);
}
