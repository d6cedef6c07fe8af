/**
 * Jailbreak and injection wrappers applied programmatically to the harmful *and* benign prompts of the earlier
 * generators (constitution `attack.md`), so the `attack` head learns the wrapper and `harmful` the payload: a
 * wrapped benign request is `attack` but not `harmful`; a wrapped harmful one is both.
 */
import { CARRIERS, DOCS, FRAMES, HIJACKS, SPLITS, SUFFIXES } from "../content/attacks/wrappers.ts";
import type { Generator, Kit, SynthPrompt } from "../kit.ts";

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

function frame(kit: Kit, seed: SynthPrompt): SynthPrompt {
  const b = seed.batch;
  let text = kit.pick(FRAMES[b]).replace("{p}", seed.text);
  if (kit.chance(0.4)) text += kit.pick(SUFFIXES[b]);
  return { ...seed, text, attack: "jailbreak", clause: seed.harmful ? "attack.R1" : "attack.R1b" };
}

function suffixOnly(kit: Kit, seed: SynthPrompt): SynthPrompt {
  const text = `${seed.text}${kit.pick(SUFFIXES[seed.batch])}${kit.chance(0.5) ? kit.pick(SUFFIXES[seed.batch]) : ""}`;
  return { ...seed, text, attack: "jailbreak", clause: seed.harmful ? "attack.R2" : "attack.R2b" };
}

function split(kit: Kit, seed: SynthPrompt): SynthPrompt | null {
  const words = seed.text.split(" ");
  if (words.length < 6) return null;
  const cut = 2 + kit.rng.int(words.length - 3);
  const text = kit
    .pick(SPLITS[seed.batch])
    .replace("{x}", words.slice(0, cut).join(" "))
    .replace("{y}", words.slice(cut).join(" "));
  return { ...seed, text, attack: "jailbreak", clause: seed.harmful ? "attack.R3" : "attack.R3b" };
}

function carried(kit: Kit, seed: SynthPrompt): SynthPrompt {
  const b = seed.batch;
  const text = kit
    .pick(CARRIERS[b])
    .replace("{doc}", kit.pick(DOCS[b]))
    .replace("{p}", lowerFirst(seed.text));
  return { ...seed, text, attack: "injection", clause: seed.harmful ? "attack.R4" : "attack.R4b" };
}

function hijack(kit: Kit, batch: "a" | "b"): SynthPrompt {
  const text = kit
    .pick(CARRIERS[batch])
    .replace("{doc}", kit.pick(DOCS[batch]))
    .replace("{p}", kit.pick(HIJACKS[batch]));
  return { text, harmful: false, categories: [], attack: "injection", clause: "attack.R5", batch };
}

const generator: Generator = {
  group: "attacks",
  order: 10,
  generate(kit, prior) {
    const seeds = prior.prompts.filter(
      (p) => p.attack === null && (p.lang ?? "en") === "en" && p.text.length < 400,
    );
    const harmful = kit.sample(
      seeds.filter((p) => p.harmful),
      4500,
    );
    const benign = kit.sample(
      seeds.filter((p) => !p.harmful),
      2500,
    );
    const prompts: SynthPrompt[] = [];
    for (const seed of [...harmful, ...benign]) {
      const r = kit.rng.next();
      const row =
        r < 0.5
          ? frame(kit, seed)
          : r < 0.65
            ? suffixOnly(kit, seed)
            : r < 0.8
              ? split(kit, seed)
              : carried(kit, seed);
      if (row) prompts.push(row);
    }
    for (let i = 0; i < 600; i++) prompts.push(hijack(kit, i % 2 === 0 ? "a" : "b"));
    return { prompts };
  },
};

export default generator;
