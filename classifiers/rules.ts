/**
 * Rules classifier: regexes and phrase lists from config. Cheap, deterministic, high precision; the first tier of
 * every cascade. A hit scores its rule's `score` for the rule's keys (and `harmful` for any harm category).
 */
import {
  HARM_CATEGORIES,
  ok,
  type Classifier,
  type ClassifierInput,
  type Scores,
  type ScoreKey,
  type StreamScorer,
} from "./types.ts";

/** One rule: a regex (`pattern`) or a list of literal phrases, matched case-insensitively after normalisation. */
export interface Rule {
  readonly id: string;
  readonly keys: readonly ScoreKey[];
  readonly pattern?: string | undefined;
  readonly phrases?: readonly string[] | undefined;
  /** Score given to each key on a hit. @defaultValue 1 */
  readonly score?: number | undefined;
  /**
   * Longest text a match of `pattern` can span: how much earlier text the streaming scorer re-reads with each
   * update, so a match split across deltas is still found. Phrase rules know their own. @defaultValue 512
   */
  readonly maxSpan?: number | undefined;
}

export interface RulesClassifierOptions {
  name?: string;
  rules: readonly Rule[];
}

interface CompiledRule {
  readonly regex: RegExp;
  /** Regex rules match the raw text (they may rely on punctuation); phrase rules the normalised text. */
  readonly raw: boolean;
  readonly scores: Scores;
  /** Longest text a match can span, for the streaming carry-over. */
  readonly span: number;
}

const HARM_SET: ReadonlySet<string> = new Set(HARM_CATEGORIES);

/** Lowercases and collapses whitespace and punctuation so phrases match through light obfuscation. */
export function normalizeForRules(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ");
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compile(rule: Rule): CompiledRule {
  const score = rule.score ?? 1;
  const scores: Scores = {};
  for (const key of rule.keys) scores[key] = score;
  if (rule.keys.some((k) => HARM_SET.has(k))) scores.harmful = Math.max(scores.harmful ?? 0, score);
  if (rule.pattern !== undefined) {
    return { regex: new RegExp(rule.pattern, "iu"), raw: true, scores, span: rule.maxSpan ?? 512 };
  }
  const phrases = (rule.phrases ?? []).map((p) => normalizeForRules(p).trim()).filter((p) => p.length > 0);
  if (phrases.length === 0) throw new Error(`rule ${rule.id}: needs a pattern or at least one phrase`);
  const regex = new RegExp(`(?:^| )(?:${phrases.map(escapeRegex).join("|")})(?: |$)`, "u");
  return { regex, raw: false, scores, span: Math.max(...phrases.map((p) => p.length)) + 2 };
}

function mergeMax(into: Scores, from: Scores): void {
  for (const [k, v] of Object.entries(from) as [ScoreKey, number][]) {
    if (v > (into[k] ?? 0)) into[k] = v;
  }
}

function scoreRules(rules: readonly CompiledRule[], text: string, into: Scores): void {
  for (const rule of rules) {
    if (rule.regex.test(text)) mergeMax(into, rule.scores);
  }
}

/** Keeps the last `n` characters. */
function lastChars(text: string, n: number): string {
  return text.length > n ? text.slice(text.length - n) : text;
}

/**
 * Creates a rules classifier.
 * @example createRulesClassifier({ rules: [{ id: "nerve", keys: ["cbrn"], phrases: ["nerve agent synthesis"] }] })
 */
export function createRulesClassifier(opts: RulesClassifierOptions): Classifier {
  const compiled = opts.rules.map(compile);
  const rawRules = compiled.filter((r) => r.raw);
  const phraseRules = compiled.filter((r) => !r.raw);
  const rawCarry = Math.max(0, ...rawRules.map((r) => r.span));
  // Phrase spans count normalised characters; punctuation between the words makes the raw text longer.
  const phraseCarry = Math.max(64, ...phraseRules.map((r) => 2 * r.span));
  return {
    name: opts.name ?? "rules",
    kind: "rules",
    classify(input: ClassifierInput) {
      const out: Scores = {};
      scoreRules(rawRules, input.text, out);
      if (phraseRules.length > 0) scoreRules(phraseRules, ` ${normalizeForRules(input.text)} `, out);
      return Promise.resolve(ok(out));
    },
    createStreamScorer(): StreamScorer {
      // Running max over windows of (carried tail + new delta): regex rules re-read their longest span of earlier
      // text, phrase rules (matched on normalised text) theirs; the cost per update is flat.
      let rawTail = "";
      let phraseTail = "";
      const running: Scores = {};
      return {
        update(delta: string) {
          if (rawRules.length > 0) {
            const window = rawTail + delta;
            scoreRules(rawRules, window, running);
            rawTail = lastChars(window, rawCarry);
          }
          if (phraseRules.length > 0) {
            const window = phraseTail + delta;
            scoreRules(phraseRules, ` ${normalizeForRules(window)} `, running);
            phraseTail = lastChars(window, phraseCarry);
          }
          return Promise.resolve(ok({ ...running }));
        },
      };
    },
  };
}
