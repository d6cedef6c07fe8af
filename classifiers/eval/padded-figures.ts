/**
 * Figures of the padded-request probe (`padding.ts`) for one stage: which rows are the requests and the padding,
 * and the asl3 action rates per position. Requests are rows no shipped model trained on: for the request stages
 * the eval-only harmful prompts (jailbreak and injection rows left out: their figure is the attack recall), for
 * the completion stage the harmful completions of eval-only sources and of the permissive `val` split. Benign
 * requests and padding are realistic benign rows of the report half (prompts; for completions, safe answers).
 */
import type { CompletionRow, DataRow, PromptRow } from "../data.ts";
import { isSynthetic, rowAttack } from "../data.ts";
import { createFeatureCursor } from "../featurize.ts";
import type { FeaturizerSettings } from "../featurize.ts";
import type { ClassifierInput, Scores, Stage } from "../types.ts";
import { asl3Action } from "./asl3.ts";
import type { Thresholds } from "./asl3.ts";
import type { ScoredRow } from "./evaluate.ts";
import type { ActionRates } from "./headline.ts";
import { DEFAULT_PAD_TOKENS, PAD_POSITIONS, buildPaddedProbe, paddedInput } from "./padding.ts";
import type { PadPosition, PaddedCase, ProbeRequest } from "./padding.ts";
import { isEvalOnlyHarmful, isRealisticBenign, realisticHalf } from "./realistic.ts";

/** The probe's figures: asl3 rates of harmful and benign requests per position, and of the padding alone. */
export interface PaddedFigures {
  /** Tokens of padding at start / middle / end, and before the request in `afterCap`. */
  padTokens: number;
  capTokens: number;
  harmful: Partial<Record<PadPosition, ActionRates>>;
  benign: Partial<Record<PadPosition, ActionRates>>;
  /** Long benign texts: the padding alone (`end`: ~padTokens tokens, `afterCap`: ~capTokens tokens). */
  padding: Partial<Record<PadPosition, ActionRates>>;
  /** The realistic benign report half by length in tokens (real long texts, not joined ones). */
  realisticByLength: Record<string, ActionRates>;
}

const LENGTHS: readonly [string, number, number][] = [
  ["<= 64 tokens", 0, 64],
  ["65-256 tokens", 65, 256],
  ["> 256 tokens", 257, Number.MAX_SAFE_INTEGER],
];

/** Token count of a text as the stage featurizer's first bag splits it (no cap). */
export function tokenCounter(settings: FeaturizerSettings): (text: string) => number {
  const uncapped = { ...settings, maxTokens: Number.MAX_SAFE_INTEGER };
  return (text) => {
    const cursor = createFeatureCursor(uncapped, 0);
    cursor.feed(text, () => undefined);
    return cursor.tokens + (cursor.carried > 0 ? 1 : 0);
  };
}

const report = (r: DataRow) => isRealisticBenign(r) && realisticHalf(r) === "report";

/**
 * Builds the stage's probe from every row of the stage (and, for the conversation stage, the prompt rows, whose
 * padded texts become one-turn conversations).
 */
export function stageProbe(
  stage: Stage,
  rows: readonly DataRow[],
  promptRows: readonly DataRow[],
  settings: FeaturizerSettings,
  maxRequests = 600,
): PaddedCase[] {
  const countTokens = tokenCounter(settings);
  const capTokens = settings.maxTokens + 100;
  if (stage === "completion") {
    const comp = rows as readonly CompletionRow[];
    const asRequest = (r: CompletionRow): ProbeRequest => ({
      id: r.id,
      text: r.completion,
      context: r.prompt,
    });
    const benign = comp.filter(report);
    return buildPaddedProbe({
      harmful: comp
        .filter((r) => r.harmful && !isSynthetic(r) && (!r.permissive || r.split === "val"))
        .map(asRequest),
      benign: benign.map(asRequest),
      fillers: benign.map((r) => r.completion).filter((t) => countTokens(t) >= 32),
      countTokens,
      capTokens,
      maxRequests,
    });
  }
  const prompts = (stage === "prompt" ? rows : promptRows) as readonly PromptRow[];
  const asRequest = (r: PromptRow): ProbeRequest => ({ id: r.id, text: r.text });
  const benign = prompts.filter(report);
  return buildPaddedProbe({
    harmful: prompts.filter((r) => isEvalOnlyHarmful(r) && rowAttack(r) === null).map(asRequest),
    benign: benign.filter((r) => countTokens(r.text) <= 64).map(asRequest),
    fillers: benign.map((r) => r.text).filter((t) => countTokens(t) >= 32),
    countTokens,
    capTokens,
    maxRequests,
  });
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

interface Tally {
  rows: number;
  flagged: number;
  blocked: number;
}

const tally = (counts: Map<string, Tally>, key: string, action: string): void => {
  const n = counts.get(key) ?? { rows: 0, flagged: 0, blocked: 0 };
  n.rows++;
  if (action !== "allow") n.flagged++;
  if (action === "block") n.blocked++;
  counts.set(key, n);
};

const toRates = (n: Tally): ActionRates => ({
  rows: n.rows,
  flagOrBlock: n.rows ? r4(n.flagged / n.rows) : null,
  blocked: n.rows ? r4(n.blocked / n.rows) : null,
});

/**
 * Scores every case and returns the asl3 action rates per kind and position, plus the rates of the realistic
 * benign report half (`scored`, already scored by the eval) by length.
 */
export async function paddedFigures(
  stage: Stage,
  cases: readonly PaddedCase[],
  score: (input: ClassifierInput) => Promise<Scores>,
  th: Thresholds,
  o: { readonly settings: FeaturizerSettings; readonly scored: readonly ScoredRow[] },
): Promise<PaddedFigures> {
  const counts = new Map<string, Tally>();
  for (const c of cases)
    tally(counts, `${c.kind}/${c.position}`, asl3Action(stage, await score(paddedInput(stage, c)), th));
  const rates = (kind: PaddedCase["kind"]) => {
    const out: Partial<Record<PadPosition, ActionRates>> = {};
    for (const p of PAD_POSITIONS) {
      const n = counts.get(`${kind}/${p}`);
      if (n) out[p] = toRates(n);
    }
    return out;
  };
  const countTokens = tokenCounter(o.settings);
  const byLength = new Map<string, Tally>(
    LENGTHS.map(([name]) => [name, { rows: 0, flagged: 0, blocked: 0 }]),
  );
  for (const s of o.scored) {
    if (!report(s.row)) continue;
    const n = countTokens(firstText(s.row));
    const bucket = LENGTHS.find(([, lo, hi]) => n >= lo && n <= hi)?.[0] ?? "";
    tally(byLength, bucket, asl3Action(stage, s.scores, th));
  }
  return {
    padTokens: DEFAULT_PAD_TOKENS,
    capTokens: o.settings.maxTokens + 100,
    harmful: rates("harmful"),
    benign: rates("benign"),
    padding: rates("padding"),
    realisticByLength: Object.fromEntries([...byLength].map(([k, n]) => [k, toRates(n)])),
  };
}

/** The text of a row the length buckets measure: the prompt, the completion, or every message. */
function firstText(row: DataRow): string {
  if ("text" in row) return row.text;
  if ("completion" in row) return row.completion;
  return row.messages.map((m) => m.content).join("\n");
}
