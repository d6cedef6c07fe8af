/**
 * cbrn: chemical, biological, radiological and nuclear weapon requests (`cbrn.R*`) and the permitted look-alikes
 * that share their vocabulary (`cbrn.P*`), from `classifiers/constitution/cbrn.md`. Every family has two disjoint
 * hand-written halves (`content/cbrn/`), and each half is combined only with the openers, wrappers and lexicon of
 * its own batch, so batch b is never a reshuffle of batch a.
 */
import type { Generator, Kit, SynthPrompt } from "../kit.ts";
import type { HarmCategory } from "../../types.ts";
import type { Family, Half, Shared } from "../content/cbrn/types.ts";
import { SHARED_A, SHARED_B } from "../content/cbrn/shared.ts";
import { RESTRICTED } from "../content/cbrn/restricted.ts";
import { PERMITTED } from "../content/cbrn/permitted.ts";
import { TERSE } from "../content/cbrn/terse.ts";
import { BACKSTORIES_A, BACKSTORIES_B } from "../content/cbrn/backstories.ts";

/** Rows per family template (a few dozen of several thousand, well under 1-2% each). */
const TEMPLATE_CAP = 26;
/** Openers drawn for each verb phrase and each noun phrase. */
const VP_OPENERS = 5;
const NP_OPENERS = 3;
/** Long rows per family half: a backstory sentence, then a request built from the half's verb phrases. */
const LONG_ROWS = 14;

function rowsOfHalf(kit: Kit, fam: Family, h: Half, shared: Shared, batch: "a" | "b"): SynthPrompt[] {
  const slots = { ...shared.slots, ...h.slots };
  const categories: readonly HarmCategory[] = fam.harmful
    ? fam.violence
      ? ["cbrn", "violence"]
      : ["cbrn"]
    : [];
  const seen = new Set<string>();
  const out: SynthPrompt[] = [];
  const wrap = (core: string): string => {
    let t = core;
    if (kit.chance(0.18)) t = kit.pick(shared.prefixes) + t.charAt(0).toLowerCase() + t.slice(1);
    if (kit.chance(0.15)) t = t + kit.pick(shared.suffixes);
    return kit.vary(t, 0.3);
  };
  const push = (core: string): void => {
    const text = wrap(core.replace(/\s+/g, " ").trim());
    const key = text.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ text, clause: fam.clause, batch, harmful: fam.harmful, categories, attack: null });
  };
  for (const line of h.lines) push(kit.fill(line, slots));
  for (const vp of h.vps)
    for (const opener of kit.sample(shared.howTo, VP_OPENERS))
      push(kit.fill(opener, { ...slots, vp: kit.fill(vp, slots) }));
  for (const np of h.nps)
    for (const opener of kit.sample(shared.ask, NP_OPENERS))
      push(kit.fill(opener, { ...slots, np: kit.fill(np, slots) }));
  const stories = batch === "a" ? BACKSTORIES_A : BACKSTORIES_B;
  if (h.vps.length > 0)
    for (let i = 0; i < LONG_ROWS; i++) {
      const ask = kit.fill(kit.pick(shared.howTo), { ...slots, vp: kit.fill(kit.pick(h.vps), slots) });
      push(`${kit.pick(stories)} ${ask.charAt(0).toUpperCase()}${ask.slice(1)}`);
    }
  for (const tpl of [...h.templates, ...(TERSE[fam.clause]?.[batch] ?? [])]) {
    const made = new Set<string>();
    for (let tries = 0; made.size < TEMPLATE_CAP && tries < TEMPLATE_CAP * 4; tries++) {
      const t = kit.fill(tpl, slots);
      if (made.has(t)) continue;
      made.add(t);
      push(t);
    }
  }
  return out;
}

const generator: Generator = {
  group: "cbrn",
  generate(kit) {
    const prompts: SynthPrompt[] = [];
    for (const fam of [...RESTRICTED, ...PERMITTED]) {
      prompts.push(...rowsOfHalf(kit, fam, fam.a, SHARED_A, "a"));
      prompts.push(...rowsOfHalf(kit, fam, fam.b, SHARED_B, "b"));
    }
    return { prompts: kit.shuffled(prompts) };
  },
};

export default generator;
