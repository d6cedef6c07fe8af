/**
 * Rules classifier: regexes and phrase lists from config. Cheap, deterministic, high precision; the first tier of
 * every cascade. A hit scores its rule's `score` for the rule's keys (and `harmful` for any harm category).
 */
import { foldText } from "./normalize.ts";
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
  /** Regex rules match the folded text (punctuation kept); phrase rules the normalised text. */
  readonly raw: boolean;
  readonly scores: Scores;
  /** Longest text a match can span, for the streaming carry-over. */
  readonly span: number;
}

const HARM_SET: ReadonlySet<string> = new Set(HARM_CATEGORIES);

/**
 * Folds the text (`foldText`: NFKC, lower-case, invisible characters, look-alike letters, leetspeak, diacritics)
 * and collapses punctuation and whitespace to single spaces, so phrases match through obfuscation.
 */
export function normalizeForRules(text: string): string {
  return punctuationToSpaces(foldText(text));
}

function punctuationToSpaces(folded: string): string {
  return folded.replace(/[^\p{L}\p{N}]+/gu, " ");
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
  // Phrase spans count normalised characters, so their tail is kept normalised: padding between the words
  // (dashes, emoji, spaces - all one space once normalised) cannot push a phrase's start out of the window.
  const phraseCarry = Math.max(0, ...phraseRules.map((r) => r.span));
  return {
    name: opts.name ?? "rules",
    kind: "rules",
    classify(input: ClassifierInput) {
      const out: Scores = {};
      const folded = foldText(input.text);
      scoreRules(rawRules, folded, out);
      if (phraseRules.length > 0) scoreRules(phraseRules, ` ${punctuationToSpaces(folded)} `, out);
      return Promise.resolve(ok(out));
    },
    createStreamScorer(): StreamScorer {
      // Running max over windows of (carried tail + new delta), so the cost per update is flat: regex rules
      // re-read their longest span of earlier raw text; phrase rules keep the normalised tail plus the raw
      // trailing word (which the next delta may continue, and which NFKC must see whole).
      let rawTail = "";
      let normTail = "";
      let pendingWord = "";
      const running: Scores = {};
      return {
        update(delta: string) {
          if (rawRules.length > 0) {
            const window = rawTail + delta;
            scoreRules(rawRules, foldText(window), running);
            rawTail = lastChars(window, rawCarry);
          }
          if (phraseRules.length > 0) {
            const raw = pendingWord + delta;
            const cut = trailingWordStart(raw);
            pendingWord = raw.slice(cut);
            let norm = normalizeForRules(raw.slice(0, cut));
            if (norm.startsWith(" ") && (normTail.endsWith(" ") || normTail.length === 0))
              norm = norm.slice(1);
            const committed = normTail + norm;
            scoreRules(phraseRules, ` ${committed}${normalizeForRules(pendingWord)} `, running);
            normTail = lastChars(committed, phraseCarry);
          }
          return Promise.resolve(ok({ ...running }));
        },
      };
    },
  };
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/** Where the run of letters, marks and digits that ends `text` starts (at most 64 characters back). */
function trailingWordStart(text: string): number {
  let i = text.length;
  while (i > 0 && text.length - i < 64) {
    const c = text.charCodeAt(i - 1);
    // A low surrogate belongs to the code point that starts one unit earlier.
    const start = c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1;
    if (!WORD_CHAR.test(text.slice(start, i))) break;
    i = start;
  }
  return i;
}
