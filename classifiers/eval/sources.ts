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
