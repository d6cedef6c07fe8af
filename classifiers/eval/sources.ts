/**
 * Benign sources DATA.md describes as look-alikes (hard negatives): sensitive wording, security,
 * chemistry/biology/medicine, role-play. Over-refusal is measured on these.
 */
export const HARD_NEGATIVE_SOURCES: ReadonlySet<string> = new Set([
  "awesome_chatgpt_prompts",
  "chatdoctor",
  "coconot_contrast",
  "cse_crwd_malware",
  "cse_crwd_threatintel",
  "cse_instruct",
  "cse_mitre_frr",
  "dna_fp",
  "gpteacher_roleplay",
  "labsafety",
  "medquad",
  "meqsum",
  "pubmedqa",
  "stl_physical_safe",
  "medsafetybench_safe",
  "stl_safety_only",
]);

/**
 * Benign everyday-instruction sources (chat requests, writing, coding, advice). Over-refusal on ordinary traffic
 * is measured on these; alpaca, sharegpt and stl_alpaca are non-permissive (evaluation only).
 */
export const EVERYDAY_SOURCES: ReadonlySet<string> = new Set([
  "alpaca",
  "arena_hard",
  "gpteacher_codegen",
  "ifeval",
  "oasst1",
  "oasst_model_eval",
  "self_instruct",
  "sharegpt",
  "stl_alpaca",
  "vicuna_bench",
]);
