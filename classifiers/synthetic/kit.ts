/**
 * The toolkit every synthetic-data generator uses (Constitutional Classifiers method: rows written by the team from
 * the clauses of `classifiers/constitution/`). A generator is hand-written components (requests, subjects, framings,
 * personas, answers) combined under a seeded generator; this module holds the row types, the seeded helpers and the
 * surface variation (typos, casing, punctuation) so generators stay about content.
 */
import type { Rng } from "../rng.ts";
import { createRng, shuffle } from "../rng.ts";
import type { HarmCategory } from "../types.ts";

/** Fields every synthetic row carries besides its text. */
interface SynthCommon {
  /** Constitution clause the row exercises, e.g. `cbrn.R3` (restricted) or `cbrn.P2` (permitted). */
  readonly clause: string;
  /**
   * Generation batch: rows of batch `a` and `b` come from disjoint hand-written components, so the evaluation can
   * train on one batch and score the other (never train and score on the same batch).
   */
  readonly batch: "a" | "b";
  readonly harmful: boolean;
  /** Harm categories of a harmful row; `[]` for benign rows. */
  readonly categories: readonly HarmCategory[];
  /** ISO 639-1 language of the text. @defaultValue "en" */
  readonly lang?: string;
}

/** A synthetic prompt (the newest user turn). */
export interface SynthPrompt extends SynthCommon {
  readonly text: string;
  readonly attack: "jailbreak" | "injection" | null;
}

/** A synthetic completion: `harmful` means the completion itself complies with a restricted request. */
export interface SynthCompletion extends SynthCommon {
  readonly prompt: string;
  readonly completion: string;
}

/** A synthetic multi-turn conversation; the label is about the latest exchange in the light of earlier turns. */
export interface SynthConversation extends SynthCommon {
  readonly messages: readonly { readonly role: "user" | "assistant" | "system"; readonly content: string }[];
  readonly attack: "jailbreak" | "injection" | null;
}

/** What a generator returns. Any list may be empty. */
export interface SynthOutput {
  readonly prompts?: readonly SynthPrompt[];
  readonly completions?: readonly SynthCompletion[];
  readonly conversations?: readonly SynthConversation[];
}

/** Rows written by the generators that ran before this one (wrappers and conversations reuse prompt seeds). */
export interface PriorRows {
  readonly prompts: readonly SynthPrompt[];
}

/** A generator module's default export. */
export interface Generator {
  /** File stem and source suffix: rows get `source: "synthetic-<group>"`. */
  readonly group: string;
  /** Generators with a higher order run later and see the rows of earlier ones. @defaultValue 0 */
  readonly order?: number;
  generate(kit: Kit, prior: PriorRows): SynthOutput;
}

/** Seeded helpers for generators. Every draw comes from one mulberry32 stream, so output is reproducible. */
export interface Kit {
  readonly rng: Rng;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** `n` distinct elements (fewer when the list is shorter), uniformly. */
  sample<T>(items: readonly T[], n: number): T[];
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A shuffled copy. */
  shuffled<T>(items: readonly T[]): T[];
  /**
   * Fills `{slot}` placeholders from `slots` (a list picks one value per occurrence, a string is used as is).
   * @example kit.fill("How do I {verb} {thing}?", { verb: ["make", "get"], thing: "it" })
   */
  fill(template: string, slots: Readonly<Record<string, string | readonly string[]>>): string;
  /**
   * Surface variation of real traffic: with probability `p`, one of lower-casing, dropped final punctuation, a
   * swapped / dropped / doubled letter in a longer word, a casual prefix ("hey, ", "quick q: ") or extra spaces.
   * @defaultValue p = 0.3
   */
  vary(text: string, p?: number): string;
  /** Every combination of the given lists (cartesian product), shuffled and cut to `limit`. */
  combos<T extends readonly (readonly string[])[]>(lists: T, limit: number): string[][];
}

const CASUAL_PREFIXES = ["hey, ", "hi! ", "quick q: ", "ok so ", "hello, ", "question: ", "pls ", "um "];

function typo(rng: Rng, text: string): string {
  const words = text.split(" ");
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => /^[a-z]{5,}$/i.test(w));
  if (long.length === 0) return text;
  const [word, at] = long[rng.int(long.length)] as readonly [string, number];
  const i = 1 + rng.int(word.length - 2);
  const kind = rng.int(3);
  const next =
    kind === 0
      ? word.slice(0, i) + (word[i + 1] ?? "") + (word[i] ?? "") + word.slice(i + 2)
      : kind === 1
        ? word.slice(0, i) + word.slice(i + 1)
        : word.slice(0, i) + (word[i] ?? "") + word.slice(i);
  words[at] = next;
  return words.join(" ");
}

/** Creates the kit for one generator; the seed is derived from the generator's group name. */
export function createKit(seed: number): Kit {
  const rng = createRng(seed);
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[rng.int(items.length)] as T;
  };
  const shuffled = <T>(items: readonly T[]): T[] => shuffle(rng, [...items]);
  const kit: Kit = {
    rng,
    pick,
    sample: (items, n) => shuffled(items).slice(0, n),
    chance: (p) => rng.next() < p,
    shuffled,
    fill: (template, slots) =>
      template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
        const v = slots[name];
        if (v === undefined) throw new Error(`no slot "${name}" for template: ${template}`);
        return typeof v === "string" ? v : pick(v);
      }),
    vary: (text, p = 0.3) => {
      if (rng.next() >= p) return text;
      switch (rng.int(5)) {
        case 0:
          return text.toLowerCase();
        case 1:
          return text.replace(/[.?!]+$/, "");
        case 2:
          return typo(rng, text);
        case 3:
          return pick(CASUAL_PREFIXES) + text.charAt(0).toLowerCase() + text.slice(1);
        default:
          return text.replace(/ /g, () => (rng.next() < 0.08 ? "  " : " "));
      }
    },
    combos: (lists, limit) => {
      let acc: string[][] = [[]];
      for (const list of lists) acc = acc.flatMap((prefix) => list.map((v) => [...prefix, v]));
      return shuffled(acc).slice(0, limit);
    },
  };
  return kit;
}
