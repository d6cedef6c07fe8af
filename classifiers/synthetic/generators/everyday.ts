/**
 * `everyday`: ordinary chat-assistant and API traffic that must pass (constitution `everyday.md`, P1..P20). Every row
 * is benign. Families borrow the openers of harmful requests and words that collide with harm vocabulary in innocent
 * senses, so the classifiers learn that the payload decides, not the opener.
 */
import type { Generator, Kit, SynthPrompt } from "../kit.ts";
import type { Family, Half } from "../content/everyday/types.ts";
import type { Snippet } from "../content/everyday/coding.ts";
import {
  CODING,
  SHELL,
  SNIPPETS_A,
  SNIPPETS_B,
  SNIPPET_ASKS_A,
  SNIPPET_ASKS_B,
  STACK_TRACES_A,
  STACK_TRACES_B,
  TRACE_ASKS_A,
  TRACE_ASKS_B,
} from "../content/everyday/coding.ts";
import { FAMILIES } from "../content/everyday/index.ts";
import { extraRows } from "../content/everyday/builders.ts";

/** Most rows one template may contribute (about 1% of the group). */
const CAP = 110;

type Batch = "a" | "b";

function row(clause: string, batch: Batch, text: string, lang = "en"): SynthPrompt {
  return {
    text,
    clause,
    batch,
    harmful: false,
    categories: [],
    attack: null,
    ...(lang === "en" ? {} : { lang }),
  };
}

/** Fills one template up to `cap` distinct texts. */
function expand(kit: Kit, template: string, slots: Half["slots"], cap: number): string[] {
  const out = new Set<string>();
  for (let i = 0; i < cap * 4 && out.size < cap; i++) out.add(kit.fill(template, slots));
  return [...out];
}

function familyRows(kit: Kit, fam: Family): SynthPrompt[] {
  const rows: SynthPrompt[] = [];
  for (const batch of ["a", "b"] as const) {
    const half = fam[batch];
    for (const line of half.lines) rows.push(row(fam.clause, batch, kit.vary(line, 0.25)));
    for (const t of half.templates)
      for (const text of expand(kit, t, half.slots, CAP))
        rows.push(row(fam.clause, batch, kit.vary(text, 0.3)));
  }
  return rows;
}

function snippetRows(
  kit: Kit,
  batch: Batch,
  snippets: readonly Snippet[],
  asks: readonly string[],
): SynthPrompt[] {
  const rows: SynthPrompt[] = [];
  const shapes = [
    (s: Snippet, ask: string) => `${ask}\n\n\`\`\`${s.lang}\n${s.code}\n\`\`\`\n\n${s.error}`,
    (s: Snippet, ask: string) => `${s.code}\n\n${s.error}\n${ask}`,
    (s: Snippet, ask: string) => `${ask} (${s.lang})\n${s.code}\nerror: ${s.error}`,
  ];
  for (const s of snippets)
    for (const ask of kit.sample(asks, 6))
      rows.push(row("everyday.P1", batch, kit.pick(shapes)(s, kit.vary(ask, 0.3))));
  return rows;
}

function traceRows(
  kit: Kit,
  batch: Batch,
  traces: readonly string[],
  asks: readonly string[],
): SynthPrompt[] {
  const rows: SynthPrompt[] = [];
  for (const t of traces)
    for (const ask of asks)
      rows.push(row("everyday.P1", batch, kit.chance(0.5) ? `${t}\n\n${ask}` : `${ask}\n\n${t}`));
  return rows;
}

const everyday: Generator = {
  group: "everyday",
  generate(kit) {
    const prompts: SynthPrompt[] = [
      ...familyRows(kit, CODING),
      ...familyRows(kit, SHELL),
      ...snippetRows(kit, "a", SNIPPETS_A, SNIPPET_ASKS_A),
      ...snippetRows(kit, "b", SNIPPETS_B, SNIPPET_ASKS_B),
      ...traceRows(kit, "a", STACK_TRACES_A, TRACE_ASKS_A),
      ...traceRows(kit, "b", STACK_TRACES_B, TRACE_ASKS_B),
    ];
    for (const fam of FAMILIES) prompts.push(...familyRows(kit, fam));
    for (const r of extraRows(kit)) prompts.push(row(r.clause, r.batch, r.text, r.lang));
    return { prompts: kit.shuffled(prompts) };
  },
};

export default everyday;
