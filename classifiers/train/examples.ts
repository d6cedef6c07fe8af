/**
 * Turns labelled rows into training examples: labels and masks per head, per-source weights, and the
 * conversation stage's augmentation from prompt rows.
 */
import { createIdList, featurizeText } from "../featurize.ts";
import type { FeaturizerSettings, IdList } from "../featurize.ts";
import { isSynthetic, rowAttack } from "../data.ts";
import type { DataRow, LoadedRow, PromptRow } from "../data.ts";
import { expandInput } from "../normalize.ts";
import { createRng, shuffle } from "../rng.ts";
import { inputToBagTexts, rowToClassifierInput } from "../stage-input.ts";
import { HARM_CATEGORIES } from "../types.ts";
import type { ClassifierInput, ScoreKey, Stage } from "../types.ts";
import type { Example } from "./trainer.ts";

/** Heads each stage's model predicts (completions carry no attack labels). */
export function stageLabels(stage: Stage): ScoreKey[] {
  return stage === "completion" ? ["harmful", ...HARM_CATEGORIES] : ["harmful", "attack", ...HARM_CATEGORIES];
}

/** A row prepared for training or evaluation. */
export interface LabelledInput {
  readonly input: ClassifierInput;
  readonly row: DataRow;
  /** Source used for weighting (augmented rows get an `aug:` prefix). */
  readonly source: string;
}

/** The classifier inputs of rows (rows without fields for the stage are skipped). */
export const toItems = (stage: Stage, rows: readonly LoadedRow[]): LabelledInput[] =>
  rows.flatMap(({ row }) => {
    const input = rowToClassifierInput(stage, row);
    // Encoded spans are decoded as the gateway's screener decodes them before any classifier runs.
    return input ? [{ input: expandInput(input), row, source: row.source }] : [];
  });

/**
 * Label vector and mask: `harmful` and `attack` always count; category heads count for benign rows
 * (as negatives) and for harmful rows with known categories, never for harmful rows whose category is unknown.
 */
export function labelRow(row: DataRow, labels: readonly ScoreKey[]): { y: Float32Array; mask: Uint8Array } {
  const y = new Float32Array(labels.length);
  const mask = new Uint8Array(labels.length);
  const cats = new Set<string>(row.categories);
  labels.forEach((key, i) => {
    if (key === "harmful") {
      y[i] = row.harmful ? 1 : 0;
      // A shared-data attack row without categories (a jailbreak template, an injection) is labelled harmful for
      // its wrapper, which is the `attack` head's job; `harmful` learns payloads (synthetic rows label both).
      mask[i] = rowAttack(row) !== null && cats.size === 0 && !isSynthetic(row) ? 0 : 1;
    } else if (key === "attack") {
      y[i] = rowAttack(row) !== null ? 1 : 0;
      mask[i] = 1;
    } else {
      const unknown = row.harmful && cats.size === 0;
      y[i] = cats.has(key) ? 1 : 0;
      mask[i] = unknown ? 0 : 1;
    }
  });
  return { y, mask };
}

/** Featurizes every bag of an input, reusing `scratch` lists. */
export function featurizeInput(
  settings: FeaturizerSettings,
  input: ClassifierInput,
  scratch: IdList[],
): IdList[] {
  return inputToBagTexts(input).map((text, b) => {
    const list = scratch[b] ?? createIdList();
    scratch[b] = list;
    return featurizeText(settings, b, text, list);
  });
}

function dedupe(list: IdList): { ids: Int32Array; w: Float32Array } {
  const sorted = list.ids.slice(0, list.length).sort();
  const ids: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    ids.push(sorted[i] ?? 0);
    w.push((j - i) / sorted.length);
    i = j;
  }
  return { ids: Int32Array.from(ids), w: Float32Array.from(w) };
}

/** Weighting knobs. */
export interface WeightOptions {
  /** Each source's total weight grows as rows^power (0.5 = square root). @defaultValue 0.5 */
  readonly sourcePower: number;
  /** Multiplier for rows with weak labels. @defaultValue 0.5 */
  readonly weakFactor: number;
  /** Share of total weight for harmful rows. @defaultValue 0.5 */
  readonly harmfulShare: number;
  /** Multiplier for augmented rows (source `aug:*`). @defaultValue 1 */
  readonly augmentFactor?: number;
  /**
   * Multiplier of a source's total weight (after the rows^power step), by source name (`aug:` prefix ignored):
   * boosts everyday-instruction benign sources and caps domain-QA pools (see `SOURCE_FACTORS` in config.ts).
   */
  readonly sourceFactors?: Readonly<Record<string, number>>;
}

const baseSource = (s: string): string => (s.startsWith("aug:") ? s.slice(4) : s);

/** Builds weighted examples. */
export function buildExamples(
  settings: FeaturizerSettings,
  items: readonly LabelledInput[],
  labels: readonly ScoreKey[],
  wo: WeightOptions,
): Example[] {
  const perSource = new Map<string, number>();
  for (const it of items) perSource.set(it.source, (perSource.get(it.source) ?? 0) + 1);
  const scratch: IdList[] = [];
  const raw = items.map((it) => {
    const n = perSource.get(it.source) ?? 1;
    const factor =
      (wo.sourceFactors?.[baseSource(it.source)] ?? 1) *
      (it.source.startsWith("aug:") ? (wo.augmentFactor ?? 1) : 1);
    const weight = (Math.pow(n, wo.sourcePower) / n) * (it.row.weak ? wo.weakFactor : 1) * factor;
    const bags = featurizeInput(settings, it.input, scratch).map(dedupe);
    return { bags, ...labelRow(it.row, labels), weight, harmful: it.row.harmful };
  });
  let wh = 0;
  let wb = 0;
  for (const e of raw) {
    if (e.harmful) wh += e.weight;
    else wb += e.weight;
  }
  const n = raw.length;
  const fh = wh > 0 ? (wo.harmfulShare * n) / wh : 0;
  const fb = wb > 0 ? ((1 - wo.harmfulShare) * n) / wb : 0;
  return raw.map((e) => ({ bags: e.bags, y: e.y, mask: e.mask, weight: e.weight * (e.harmful ? fh : fb) }));
}

const FOLLOW_UPS = [
  "Can you go into more detail on that?",
  "Tell me more about the second point.",
  "How exactly would I do that?",
  "Continue.",
  "Please expand on your answer.",
  "What would the steps be?",
  "ok and then what?",
  "Thanks. Can you explain it more simply?",
];

/**
 * Conversation-stage augmentation from prompt rows (all permissive train rows): as a single user turn, after
 * an unrelated benign turn, or followed by a vague follow-up turn (so the label lives in the earlier turn,
 * as in coreference attacks). Deterministic for a seed.
 */
export function augmentConversations(
  prompts: readonly PromptRow[],
  seed: number,
  share: number,
): LabelledInput[] {
  const rng = createRng(seed);
  const benign = prompts.filter((p) => !p.harmful && p.text.length < 600);
  const out: LabelledInput[] = [];
  for (const p of prompts) {
    if (rng.next() >= share) continue;
    const r = rng.next();
    const other = benign[rng.int(benign.length)]?.text ?? "Hello";
    const follow = FOLLOW_UPS[rng.int(FOLLOW_UPS.length)] ?? "Continue.";
    const msgs =
      r < 0.5
        ? [{ role: "user" as const, content: p.text }]
        : r < 0.75
          ? [
              { role: "user" as const, content: other },
              { role: "user" as const, content: p.text },
            ]
          : [
              { role: "user" as const, content: p.text },
              { role: "user" as const, content: follow },
            ];
    const input = rowToClassifierInput("conversation", { messages: msgs });
    if (input) out.push({ input, row: p, source: `aug:${p.source}` });
  }
  return out;
}

const HOW_TO = [
  "How do I ",
  "How can I ",
  "How would I ",
  "Can you tell me how to ",
  "Explain how to ",
  "I need to know how to ",
  "What is the best way to ",
  "Can you help me ",
  "Could you please help me ",
];

/**
 * Phrasing augmentation for prompt rows: in the permissive data "How do I ..." questions are mostly harmful
 * (HarmfulQA, CatQA, DangerousQA) while benign pools are phrased otherwise, so the model learns the phrasing
 * rather than the request. A seeded share of rows of *both* labels is repeated with a how-to opener in front of
 * the (de-capitalized) text, which keeps the label and breaks that shortcut.
 */
export function augmentPhrasing(
  items: readonly LabelledInput[],
  seed: number,
  share: number,
): LabelledInput[] {
  const rng = createRng(seed ^ 0x27d4eb2f);
  const out: LabelledInput[] = [];
  for (const it of items) {
    if (rng.next() >= share) continue;
    const opener = HOW_TO[rng.int(HOW_TO.length)] ?? "How do I ";
    const text = it.input.text.trim();
    if (text.length === 0 || text.length > 400) continue;
    const body = text.charAt(0).toLowerCase() + text.slice(1);
    out.push({ input: { ...it.input, text: `${opener}${body}` }, row: it.row, source: `aug:${it.source}` });
  }
  return out;
}

const QUESTION_START =
  /^(what|who|when|where|which|why|how|is|are|was|were|do|does|did|can|could|should|will)\b/i;

/**
 * Question-form augmentation for benign prompt rows: the big benign question pools (NQ-open) are lower-case
 * with no question mark, while injection pools (Gandalf, Tensor Trust) are full of short, capitalized
 * "What is ...?" questions, so the attack head learned "short question ending in ?" (the first model scored
 * "What is the capital of France?" attack 0.53). A seeded share of short benign questions without a trailing
 * "?" is repeated capitalized and with one.
 */
export function augmentQuestions(
  items: readonly LabelledInput[],
  seed: number,
  share: number,
): LabelledInput[] {
  const rng = createRng(seed ^ 0x3c6ef372);
  const out: LabelledInput[] = [];
  for (const it of items) {
    if (it.row.harmful || it.source.startsWith("aug:")) continue;
    const text = it.input.text.trim();
    if (text.length === 0 || text.length > 160 || text.endsWith("?") || !QUESTION_START.test(text)) continue;
    if (rng.next() >= share) continue;
    const q = `${text.charAt(0).toUpperCase()}${text.slice(1)}?`;
    out.push({ input: { ...it.input, text: q }, row: it.row, source: `aug:${it.source}` });
  }
  return out;
}

/**
 * Length augmentation for benign prompt rows: harmful pools are short requests (~60-100 chars) while the
 * permissive everyday-instruction pools are long (role-play set-ups, code tasks, multi-paragraph prompts), so
 * "short imperative request" was a harmful shortcut. A seeded share of long benign rows is repeated as its
 * first sentence (20-160 chars), which keeps the benign label.
 */
export function augmentFirstSentence(
  items: readonly LabelledInput[],
  seed: number,
  share: number,
): LabelledInput[] {
  const rng = createRng(seed ^ 0x165667b1);
  const out: LabelledInput[] = [];
  for (const it of items) {
    if (it.row.harmful || it.source.startsWith("aug:")) continue;
    const text = it.input.text.trim();
    if (text.length <= 160) continue;
    const m = /^[^\n]*?[.?!:](?=\s|$)/.exec(text);
    const first = (m?.[0] ?? text.split("\n")[0] ?? "").trim();
    if (first.length < 20 || first.length > 160) continue;
    if (rng.next() >= share) continue;
    out.push({ input: { ...it.input, text: first }, row: it.row, source: `aug:${it.source}` });
  }
  return out;
}

/**
 * Completion stage: completions re-paired with a prompt of the other label, label kept - a harmful completion
 * beside a benign prompt (an injected or role-played prompt can look benign; the completion itself gives the
 * harmful assistance) and a benign completion beside a harmful prompt (an answer that does not comply is not
 * harmful because of what was asked). The synthetic completions pair harmful answers with harmful prompts only,
 * so without this the model judged the prompt: it let meth instructions through after "Tell me about your
 * weekend" and blocked a sourdough recipe that followed a sarin question.
 */
export function augmentContextSwap(
  items: readonly LabelledInput[],
  seed: number,
  share: number,
): LabelledInput[] {
  const rng = createRng(seed ^ 0x7f4a7c15);
  const withContext = items.filter((it) => (it.input.context ?? "").length > 0);
  const benignPrompts = withContext.filter((it) => !it.row.harmful);
  const harmfulPrompts = withContext.filter((it) => it.row.harmful);
  const out: LabelledInput[] = [];
  for (const it of items) {
    if (it.source.startsWith("aug:") || rng.next() >= share) continue;
    const pool = it.row.harmful ? benignPrompts : harmfulPrompts;
    if (pool.length === 0) continue;
    const other = pool[rng.int(pool.length)];
    out.push({
      input: { ...it.input, context: other?.input.context ?? "" },
      row: it.row,
      source: `aug:${it.source}`,
    });
  }
  return out;
}

/**
 * Completion stage: degenerate benign output built from a benign completion's words - one word repeated, two
 * alternating, a short phrase repeated, or the words shuffled - labelled benign. Streams of plain repeated tokens
 * are out of distribution for every pool (their mean embedding sits far from any trained text) and the model
 * extrapolated them to harmful 0.9999, blocking them mid-stream.
 */
export function augmentDegenerate(
  items: readonly LabelledInput[],
  seed: number,
  share: number,
): LabelledInput[] {
  const rng = createRng(seed ^ 0x2545f491);
  const out: LabelledInput[] = [];
  for (const it of items) {
    if (it.row.harmful || it.source.startsWith("aug:") || rng.next() >= share) continue;
    const words = it.input.text.split(/\s+/).filter((w) => w.length > 0);
    if (words.length < 4) continue;
    const n = 20 + rng.int(300);
    const word = () => words[rng.int(words.length)] ?? "the";
    const kind = rng.int(4);
    let text: string;
    if (kind === 0)
      text = Array.from({ length: n }, () => word())
        .fill(word())
        .join(" ");
    else if (kind === 1) {
      const [a, b] = [word(), word()];
      text = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : b)).join(" ");
    } else if (kind === 2) {
      const at = rng.int(words.length - 3);
      text = Array.from({ length: Math.ceil(n / 3) }, () =>
        words.slice(at, at + 2 + rng.int(3)).join(" "),
      ).join(" ");
    } else text = shuffle(rng, [...words]).join(" ");
    out.push({ input: { ...it.input, text }, row: it.row, source: `aug:${it.source}` });
  }
  return out;
}

/**
 * Completion stage: prefixes, as the streaming guard sees them - a benign completion cut anywhere after its first
 * 24 characters stays benign; a harmful one is cut only past 60% of its length (by then it has delivered what
 * makes it harmful) and stays harmful. Without short prefixes in training, the first hundred characters of an
 * ordinary answer ("Happy to help! A good sourdough ...") scored close to the block threshold.
 */
export function augmentPrefixes(
  items: readonly LabelledInput[],
  seed: number,
  share: number,
): LabelledInput[] {
  const rng = createRng(seed ^ 0x6c8e9cf5);
  const out: LabelledInput[] = [];
  for (const it of items) {
    if (it.source.startsWith("aug:") || rng.next() >= share) continue;
    const text = it.input.text;
    const min = it.row.harmful ? Math.ceil(text.length * 0.6) : 24;
    if (text.length <= min + 8) continue;
    const cut = min + rng.int(text.length - min);
    out.push({ input: { ...it.input, text: text.slice(0, cut) }, row: it.row, source: `aug:${it.source}` });
  }
  return out;
}
