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
  /** Longest text a match can span, for the streaming carry-over; unbounded patterns use 512. */
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
    return { regex: new RegExp(rule.pattern, "iu"), raw: true, scores, span: 512 };
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

function scoreText(rules: readonly CompiledRule[], raw: string, normalized: string): Scores {
  const out: Scores = {};
  for (const rule of rules) {
    if (rule.regex.test(rule.raw ? raw : normalized)) mergeMax(out, rule.scores);
  }
  return out;
}

/**
 * Creates a rules classifier.
 * @example createRulesClassifier({ rules: [{ id: "nerve", keys: ["cbrn"], phrases: ["nerve agent synthesis"] }] })
 */
export function createRulesClassifier(opts: RulesClassifierOptions): Classifier {
  const rules = opts.rules.map(compile);
  const carry = Math.max(64, ...rules.map((r) => r.span));
  return {
    name: opts.name ?? "rules",
    kind: "rules",
    classify(input: ClassifierInput) {
      const text = input.text;
      return Promise.resolve(ok(scoreText(rules, text, ` ${normalizeForRules(text)} `)));
    },
    createStreamScorer(): StreamScorer {
      // Running max over windows of (carry-over tail + new delta): flat cost per update.
      let tail = "";
      const running: Scores = {};
      return {
        update(delta: string) {
          const window = tail + delta;
          mergeMax(running, scoreText(rules, window, ` ${normalizeForRules(window)} `));
          tail = window.length > carry ? window.slice(window.length - carry) : window;
          return Promise.resolve(ok({ ...running }));
        },
      };
    },
  };
}
