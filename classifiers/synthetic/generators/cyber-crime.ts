/**
 * Cyber, crime and misinformation rows (constitution: cyber.md, crime.md, misinformation.md). Restricted requests
 * and permitted look-alikes share openers, personas and suffixes, so the label hinges on the payload. Batch a and b
 * are built from disjoint openers, personas, suffixes, slot fillers and clause content.
 */
import type { Generator, Kit, SynthPrompt } from "../kit.ts";
import { CRIME } from "../content/cyber-crime/crime.ts";
import { CYBER } from "../content/cyber-crime/cyber.ts";
import { MISINFO } from "../content/cyber-crime/misinfo.ts";
import type { ClauseHalf, ClauseSpec } from "../content/cyber-crime/types.ts";
import {
  OPENERS_A,
  OPENERS_B,
  PERSONAS_A,
  PERSONAS_B,
  SLOTS_A,
  SLOTS_B,
  SOFT_OPENERS_A,
  SOFT_OPENERS_B,
  SUFFIXES_A,
  SUFFIXES_B,
} from "../content/cyber-crime/wrappers.ts";

interface Half {
  readonly openers: readonly string[];
  readonly soft: readonly string[];
  readonly personas: readonly string[];
  readonly suffixes: readonly string[];
  readonly slots: Readonly<Record<string, readonly string[]>>;
}

const HALVES: Readonly<Record<"a" | "b", Half>> = {
  a: { openers: OPENERS_A, soft: SOFT_OPENERS_A, personas: PERSONAS_A, suffixes: SUFFIXES_A, slots: SLOTS_A },
  b: { openers: OPENERS_B, soft: SOFT_OPENERS_B, personas: PERSONAS_B, suffixes: SUFFIXES_B, slots: SLOTS_B },
};

/** Openers per core: harmful clauses carry the larger target. */
const PER_CORE_HARMFUL = 7;
const PER_CORE_BENIGN = 6;

/** Cores asking to understand something read badly after "Show me how to"; they take the soft openers. */
const KNOWLEDGE = /^(understand|learn|explain|know|research|study|summarize|compare|analyze|interpret)\b/;

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function wrap(kit: Kit, half: Half, opener: string, core: string): string {
  const filled = kit.fill(core, half.slots);
  let text = opener.replace("{C}", capitalise(filled)).replace("{c}", filled);
  if (kit.chance(0.22)) text = kit.pick(half.personas) + text;
  if (kit.chance(0.18)) text = text + kit.pick(half.suffixes);
  return kit.vary(text, 0.3);
}

function rowsFor(kit: Kit, spec: ClauseSpec, batch: "a" | "b"): SynthPrompt[] {
  const half = HALVES[batch];
  const content: ClauseHalf = spec[batch];
  const base = {
    clause: spec.clause,
    batch,
    harmful: spec.harmful,
    categories: spec.harmful ? [...spec.categories] : [],
    attack: null,
  } as const;
  const out: SynthPrompt[] = [];
  const perCore = spec.harmful ? PER_CORE_HARMFUL : PER_CORE_BENIGN;
  for (const core of content.cores) {
    const knowledge = KNOWLEDGE.test(core);
    const openers = knowledge ? kit.sample(half.soft, perCore - 1) : kit.sample(half.openers, perCore);
    for (const opener of openers) {
      out.push({ ...base, text: wrap(kit, half, opener, core) });
    }
  }
  for (const full of content.full) {
    out.push({ ...base, text: kit.vary(kit.fill(full, half.slots), 0.2) });
    if (kit.chance(0.5)) out.push({ ...base, text: kit.pick(half.personas) + full });
  }
  return out;
}

const generator: Generator = {
  group: "cyber-crime",
  generate(kit) {
    const prompts: SynthPrompt[] = [];
    for (const spec of [...CYBER, ...CRIME, ...MISINFO]) {
      prompts.push(...rowsFor(kit, spec, "a"), ...rowsFor(kit, spec, "b"));
    }
    return { prompts: kit.shuffled(prompts) };
  },
};

export default generator;
