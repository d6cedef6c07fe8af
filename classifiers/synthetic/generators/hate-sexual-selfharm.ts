/**
 * Hate and harassment, sexual content, self-harm and other harms (constitution `hate_harassment.md`, `sexual.md`,
 * `self_harm.md`, `other_harm.md`), plus pseudo-harmful everyday traffic: profanity, dark humour, roasts, violent
 * idioms and offensive words asked about. Every clause has hand-written imperative tasks (set inside shared frames)
 * and standalone prompts, each split into a batch-a and a disjoint batch-b half; the frames, wrappers and slot
 * fillers are shared by restricted and permitted clauses of the same half, so the label hinges on the payload.
 */
import type { Generator, Kit, SynthPrompt } from "../kit.ts";
import type { ClauseContent } from "../content/hate-sexual-selfharm/types.ts";
import type { Slots } from "../content/hate-sexual-selfharm/shared.ts";
import {
  FRAMES_A,
  FRAMES_B,
  PERSONAS_A,
  PERSONAS_B,
  PREFIXES_A,
  PREFIXES_B,
  SLOTS_A,
  SLOTS_B,
  SUFFIXES_A,
  SUFFIXES_B,
} from "../content/hate-sexual-selfharm/shared.ts";
import { HATE } from "../content/hate-sexual-selfharm/hate.ts";
import { HATE_OK } from "../content/hate-sexual-selfharm/hate-ok.ts";
import { SEXUAL } from "../content/hate-sexual-selfharm/sexual.ts";
import { SELF_HARM } from "../content/hate-sexual-selfharm/self-harm.ts";
import { OTHER } from "../content/hate-sexual-selfharm/other.ts";
import { LONG } from "../content/hate-sexual-selfharm/long.ts";
import { SLANG } from "../content/hate-sexual-selfharm/slang.ts";
import { PSEUDO, PSEUDO_SLOTS_A, PSEUDO_SLOTS_B } from "../content/hate-sexual-selfharm/pseudo.ts";

interface Half {
  readonly batch: "a" | "b";
  readonly frames: readonly string[];
  readonly personas: readonly string[];
  readonly prefixes: readonly string[];
  readonly suffixes: readonly string[];
  readonly slots: Slots;
}

const HALVES: readonly Half[] = [
  {
    batch: "a",
    frames: FRAMES_A,
    personas: PERSONAS_A,
    prefixes: PREFIXES_A,
    suffixes: SUFFIXES_A,
    slots: { ...SLOTS_A, ...PSEUDO_SLOTS_A },
  },
  {
    batch: "b",
    frames: FRAMES_B,
    personas: PERSONAS_B,
    prefixes: PREFIXES_B,
    suffixes: SUFFIXES_B,
    slots: { ...SLOTS_B, ...PSEUDO_SLOTS_B },
  },
];

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Sets a task inside a frame (split/join, so `$` in a task is never a replacement pattern). */
const frame = (f: string, task: string): string => f.split("{P}").join(capital(task)).split("{p}").join(task);

/** One clause's rows for one half: a mix of framed tasks and standalone prompts, exact repeats skipped. */
function rowsOf(kit: Kit, c: ClauseContent, half: Half): SynthPrompt[] {
  const tasks = half.batch === "a" ? c.tasksA : c.tasksB;
  const full = half.batch === "a" ? c.fullA : c.fullB;
  // Standalone prompts are fewer but richer; give them a share above their count.
  const fullShare =
    full.length === 0
      ? 0
      : tasks.length === 0
        ? 1
        : Math.min(0.6, (1.6 * full.length) / (full.length + tasks.length));
  const out: SynthPrompt[] = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < c.n && tries < c.n * 6; tries++) {
    let text: string;
    if (kit.chance(fullShare)) {
      text = kit.fill(kit.pick(full), half.slots);
      if (kit.chance(0.25)) text = kit.pick(half.prefixes) + text.charAt(0).toLowerCase() + text.slice(1);
      if (kit.chance(0.25)) text += kit.pick(half.suffixes);
    } else {
      text = frame(kit.pick(half.frames), kit.fill(kit.pick(tasks), half.slots));
      if (kit.chance(0.15)) text = `${kit.pick(half.personas)} ${text}`;
    }
    text = kit.vary(text, 0.3);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({
      text,
      clause: c.clause,
      batch: half.batch,
      harmful: c.cats.length > 0,
      categories: [...c.cats],
      attack: null,
    });
  }
  return out;
}

/** Every clause, with the slang prompts merged into its standalone prompts. */
const CLAUSES: readonly ClauseContent[] = [
  ...HATE,
  ...HATE_OK,
  ...SEXUAL,
  ...SELF_HARM,
  ...OTHER,
  ...PSEUDO,
].map((c) => {
  const extra = SLANG.filter((s) => s.clause === c.clause);
  return {
    ...c,
    fullA: [...c.fullA, ...extra.flatMap((s) => s.a)],
    fullB: [...c.fullB, ...extra.flatMap((s) => s.b)],
  };
});
for (const s of SLANG)
  if (!CLAUSES.some((c) => c.clause === s.clause))
    throw new Error(`hate-sexual-selfharm: slang for unknown clause ${s.clause}`);

/** The long backstory prompts: each once, twice when it has slots to fill. */
function longRows(kit: Kit, half: Half): SynthPrompt[] {
  const out: SynthPrompt[] = [];
  for (const set of LONG) {
    const c = CLAUSES.find((x) => x.clause === set.clause);
    if (!c) throw new Error(`hate-sexual-selfharm: long prompts for unknown clause ${set.clause}`);
    for (const t of half.batch === "a" ? set.a : set.b) {
      const times = t.includes("{") ? 2 : 1;
      for (let i = 0; i < times; i++)
        out.push({
          text: kit.vary(kit.fill(t, half.slots), 0.2),
          clause: c.clause,
          batch: half.batch,
          harmful: c.cats.length > 0,
          categories: [...c.cats],
          attack: null,
        });
    }
  }
  return out;
}

const generator: Generator = {
  group: "hate-sexual-selfharm",
  generate(kit) {
    const prompts: SynthPrompt[] = [];
    for (const half of HALVES) {
      for (const c of CLAUSES) prompts.push(...rowsOf(kit, c, half));
      prompts.push(...longRows(kit, half));
    }
    return { prompts: kit.shuffled(prompts) };
  },
};

export default generator;
