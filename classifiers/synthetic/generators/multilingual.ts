/**
 * Multilingual prompts: harmful requests (CBRN heavily represented, then weapons, malware, fraud, grooming,
 * self-harm and hate) and benign look-alikes and everyday traffic in 15 languages, written natively per language
 * (registers, romanised and code-mixed forms), so the classifiers do not learn "non-English" as a signal either
 * way. Each language pack (`content/multilingual/*.ts`) has two disjoint halves; frames of a half take both harmful
 * and benign payloads of that half, so the label hinges on the payload words.
 */
import type { HarmCategory } from "../../types.ts";
import type { Generator, Kit, SynthPrompt } from "../kit.ts";
import type { Half, Pack } from "../content/multilingual/types.ts";
import { PACKS } from "../content/multilingual/index.ts";

interface KindInfo {
  readonly clause: string;
  readonly categories: readonly HarmCategory[];
}

/** Kind tag of a content item -> clause and categories (empty categories = benign). */
const KINDS: Readonly<Record<string, KindInfo>> = {
  // restricted: CBRN (clauses of constitution/cbrn.md)
  chem: { clause: "cbrn.R1", categories: ["cbrn"] },
  tox: { clause: "cbrn.R2", categories: ["cbrn"] },
  tic: { clause: "cbrn.R3", categories: ["cbrn"] },
  bacq: { clause: "cbrn.R4", categories: ["cbrn"] },
  bio: { clause: "cbrn.R5", categories: ["cbrn"] },
  bgrow: { clause: "cbrn.R5", categories: ["cbrn"] },
  benh: { clause: "cbrn.R6", categories: ["cbrn"] },
  bweap: { clause: "cbrn.R7", categories: ["cbrn"] },
  rad: { clause: "cbrn.R8", categories: ["cbrn"] },
  nuc: { clause: "cbrn.R9", categories: ["cbrn"] },
  fis: { clause: "cbrn.R10", categories: ["cbrn"] },
  acq: { clause: "cbrn.R11", categories: ["cbrn"] },
  cweap: { clause: "cbrn.R12", categories: ["cbrn"] },
  attack: { clause: "cbrn.R13", categories: ["cbrn", "violence"] },
  evade: { clause: "cbrn.R14", categories: ["cbrn"] },
  // restricted: other categories
  weap: { clause: "violence.R4", categories: ["violence"] },
  gun: { clause: "violence.R5", categories: ["violence"] },
  poison: { clause: "violence.R6", categories: ["violence"] },
  mal: { clause: "cyber.R1", categories: ["cyber"] },
  fraud: { clause: "crime.R1", categories: ["crime"] },
  drug: { clause: "crime.R4", categories: ["crime"] },
  groom: { clause: "child_safety.R2", categories: ["child_safety"] },
  sext: { clause: "child_safety.R5", categories: ["child_safety"] },
  meet: { clause: "child_safety.R7", categories: ["child_safety"] },
  self: { clause: "self_harm.R1", categories: ["self_harm"] },
  hate: { clause: "hate_harassment.R1", categories: ["hate_harassment"] },
  // permitted look-alikes
  chemedu: { clause: "cbrn.P1", categories: [] },
  hsafe: { clause: "cbrn.P2", categories: [] },
  med: { clause: "cbrn.P3", categories: [] },
  micro: { clause: "cbrn.P4", categories: [] },
  vax: { clause: "cbrn.P5", categories: [] },
  hist: { clause: "cbrn.P6", categories: [] },
  treaty: { clause: "cbrn.P7", categories: [] },
  detect: { clause: "cbrn.P8", categories: [] },
  nukeedu: { clause: "cbrn.P9", categories: [] },
  fiction: { clause: "cbrn.P10", categories: [] },
  kidsafe: { clause: "child_safety.P10", categories: [] },
  cyok: { clause: "cyber.P1", categories: [] },
  selfok: { clause: "self_harm.P1", categories: [] },
  hateok: { clause: "hate_harassment.P1", categories: [] },
  scamok: { clause: "crime.P1", categories: [] },
  drugok: { clause: "crime.P10", categories: [] },
  // everyday traffic (constitution/everyday.md)
  e_code: { clause: "everyday.P1", categories: [] },
  e_shell: { clause: "everyday.P2", categories: [] },
  e_write: { clause: "everyday.P3", categories: [] },
  e_work: { clause: "everyday.P4", categories: [] },
  e_study: { clause: "everyday.P5", categories: [] },
  e_health: { clause: "everyday.P6", categories: [] },
  e_chat: { clause: "everyday.P8", categories: [] },
  e_travel: { clause: "everyday.P9", categories: [] },
  e_cook: { clause: "everyday.P10", categories: [] },
  e_fin: { clause: "everyday.P11", categories: [] },
  e_lang: { clause: "everyday.P17", categories: [] },
  e_homo: { clause: "everyday.P20", categories: [] },
};

function parse(item: string): { info: KindInfo; text: string } {
  const bar = item.indexOf("|");
  const kind = item.slice(0, bar);
  const info = KINDS[kind];
  if (bar < 0 || !info) throw new Error(`multilingual: bad item kind "${kind}": ${item.slice(0, 60)}`);
  return { info, text: item.slice(bar + 1).trim() };
}

/** Light surface variation; case and typo changes only where the script has them. */
function surface(kit: Kit, pack: Pack, text: string): string {
  if (pack.cased) return kit.vary(text, 0.3);
  if (kit.chance(0.15)) return text.replace(/[。？！?!.]+$/u, "");
  return text;
}

function rowsOf(kit: Kit, pack: Pack, half: Half, batch: "a" | "b"): SynthPrompt[] {
  const out: SynthPrompt[] = [];
  const add = (item: string, text: string): void => {
    const { info } = parse(item);
    out.push({
      text: surface(kit, pack, text),
      clause: info.clause,
      batch,
      harmful: info.categories.length > 0,
      categories: [...info.categories],
      attack: null,
      lang: pack.lang,
    });
  };
  for (const [frame, item] of kit.combos([half.frames, half.items], half.frames.length * half.items.length)) {
    if (frame === undefined || item === undefined) continue;
    add(item, frame.replace("{x}", parse(item).text));
  }
  for (const item of half.full) add(item, parse(item).text);
  return out;
}

const multilingual: Generator = {
  group: "multilingual",
  generate(kit) {
    const prompts: SynthPrompt[] = [];
    for (const pack of PACKS) {
      prompts.push(...rowsOf(kit, pack, pack.a, "a"), ...rowsOf(kit, pack, pack.b, "b"));
    }
    return { prompts };
  },
};

export default multilingual;
