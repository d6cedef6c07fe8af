/**
 * Finds the flagged span: the part of the conversation or completion the reviewer should read first. The rules
 * that could have fired (those scoring a key the stage fired on) are run again on the stored (redacted) text to
 * find where they match; without a rule match (a model or signature fired) the span is the newest user turn, or
 * the cut-off part of a completion. Pure.
 */
import { normalizeForRules, type Rule } from "../../classifiers/rules.ts";
import { HARM_CATEGORIES } from "../../classifiers/types.ts";
import type { IncidentEvent, Span } from "../../contracts/incident.ts";

/** Where a rule scoring one of `keys` matches `text`, as [start, end) offsets into `text`. */
export type SpanLocator = (
  text: string,
  keys: ReadonlySet<string>,
) => { start: number; end: number } | undefined;

interface LocatorRule {
  readonly keys: ReadonlySet<string>;
  /** Regex rules run on the raw text; phrase rules on the normalised text, mapped back to raw offsets. */
  readonly regex: RegExp;
  readonly raw: boolean;
}

const HARM: ReadonlySet<string> = new Set(HARM_CATEGORIES);

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compile(rule: Rule): LocatorRule | undefined {
  const keys = new Set<string>(rule.keys);
  if (rule.keys.some((k) => HARM.has(k))) keys.add("harmful");
  if (rule.pattern !== undefined) return { keys, regex: new RegExp(rule.pattern, "iu"), raw: true };
  const phrases = (rule.phrases ?? []).map((p) => normalizeForRules(p).trim()).filter((p) => p.length > 0);
  if (phrases.length === 0) return undefined;
  return { keys, regex: new RegExp(`(?<= )(?:${phrases.map(escapeRegex).join("|")})(?= )`, "u"), raw: false };
}

/**
 * `normalizeForRules` one code point at a time, padded with a space on each side like the rules classifier does,
 * with the raw offsets each normalised code unit came from.
 */
function normalizeWithMap(text: string): { norm: string; from: number[]; to: number[] } {
  let norm = " ";
  const from = [0];
  const to = [0];
  for (const m of text.matchAll(/[\s\S]/gu)) {
    const n = m[0].normalize("NFKC").toLowerCase();
    const piece = /^[\p{L}\p{N}]+$/u.test(n) ? n : " ";
    if (piece === " " && norm.endsWith(" ")) continue;
    for (let i = 0; i < piece.length; i++) {
      from.push(m.index);
      to.push(m.index + m[0].length);
    }
    norm += piece;
  }
  from.push(text.length);
  to.push(text.length);
  return { norm: `${norm} `, from, to };
}

/** Builds the locator over the rules the gateway screens with. */
export function createRuleLocator(rules: readonly Rule[]): SpanLocator {
  const compiled = rules.flatMap((r) => compile(r) ?? []);
  return (text, keys) => {
    let mapped: ReturnType<typeof normalizeWithMap> | undefined;
    for (const r of compiled) {
      if (![...r.keys].some((k) => keys.has(k))) continue;
      if (r.raw) {
        const m = r.regex.exec(text);
        if (m) return { start: m.index, end: m.index + m[0].length };
        continue;
      }
      mapped ??= normalizeWithMap(text);
      const m = r.regex.exec(mapped.norm);
      if (!m) continue;
      const start = mapped.from[m.index] ?? 0;
      const end = mapped.to[m.index + m[0].length - 1] ?? text.length;
      return { start, end };
    }
    return undefined;
  };
}

function firedKeys(e: IncidentEvent, stages: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const s of e.stages) {
    if (stages.includes(s.stage) && s.action !== "allow") for (const f of s.fired) out.add(f.key);
  }
  return out;
}

/** The text the reviewer should look at first; `locate` narrows it to where a rule matched. */
export function flaggedSpan(e: IncidentEvent, locate?: SpanLocator): Span | null {
  const completionKeys = firedKeys(e, ["completion"]);
  const completionFired = e.stages.some((s) => s.stage === "completion" && s.action !== "allow");
  if (completionFired && e.completion) {
    const text = e.completion.excerpt;
    const hit = locate?.(text, completionKeys);
    if (hit) return { source: "completion", ...hit };
    const cut = e.completion.cutAt;
    return {
      source: "completion",
      start: cut !== undefined && cut < text.length ? cut : 0,
      end: text.length,
    };
  }
  const keys = firedKeys(e, ["prompt", "conversation"]);
  let newestUser: Span | null = null;
  for (let i = e.conversation.length - 1; i >= 0; i--) {
    const t = e.conversation[i];
    if (t?.role !== "user") continue;
    const hit = locate?.(t.text, keys);
    if (hit) return { source: "conversation", turn: i, ...hit };
    newestUser ??= { source: "conversation", turn: i, start: 0, end: t.text.length };
  }
  return newestUser;
}
