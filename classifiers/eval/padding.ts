/**
 * The padded-request probe of `npm run eval`: requests embedded in long benign text, built at eval time from rows
 * the data already has (no new text). A mean-pooled model dilutes a short request in a long text, and sees only
 * the first `maxTokens` tokens of a bag; this measures how much of that the windowed scoring wins back, and what
 * it costs on long benign text.
 *
 * The padding is realistic benign text (rows of the report half, never the calibration half that sets the
 * thresholds) joined by blank lines until it reaches the wanted number of tokens; a request goes at its start, in
 * the middle (at the row boundary nearest the middle), at its end, or at its end after more than `maxTokens`
 * tokens of padding. The same is done with benign requests (the control), and the padding alone is scored too.
 */
import { createHash } from "node:crypto";
import { renderTurns } from "../types.ts";
import type { ClassifierInput, Stage } from "../types.ts";

/** Tokens of padding around a request at start / middle / end. */
export const DEFAULT_PAD_TOKENS = 500;

/** Where a request sits in its padding. */
export const PAD_POSITIONS = ["alone", "start", "middle", "end", "afterCap"] as const;
export type PadPosition = (typeof PAD_POSITIONS)[number];

/** A request (a prompt, or a completion with the prompt it answers) to embed. */
export interface ProbeRequest {
  readonly id: string;
  readonly text: string;
  readonly context?: string;
}

/** One probe input. */
export interface PaddedCase {
  readonly id: string;
  readonly kind: "harmful" | "benign" | "padding";
  readonly position: PadPosition;
  readonly text: string;
  readonly context?: string;
}

/** Options of `buildPaddedProbe`. */
export interface PaddedProbeOptions {
  /** Harmful requests (a deterministic sample of `maxRequests` is used). */
  readonly harmful: readonly ProbeRequest[];
  /** Benign requests for the control (same sampling). */
  readonly benign: readonly ProbeRequest[];
  /** Benign texts the padding is made of. */
  readonly fillers: readonly string[];
  /** Token count of a text (the stage featurizer's tokens). */
  readonly countTokens: (text: string) => number;
  /** Tokens of padding around a request at start / middle / end. @defaultValue 500 */
  readonly padTokens?: number;
  /** Tokens of padding before the request in the `afterCap` position (more than the model's `maxTokens`). */
  readonly capTokens: number;
  /** Requests of each kind. @defaultValue 600 */
  readonly maxRequests?: number;
}

const SEP = "\n\n";
const hashOf = (s: string): string => createHash("sha256").update(s).digest("hex");

/** A deterministic sample: the `n` items whose ids hash lowest. */
export function sampleById<T extends { readonly id: string }>(items: readonly T[], n: number): T[] {
  return items
    .map((it) => ({ it, h: hashOf(it.id) }))
    .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0))
    .slice(0, n)
    .map((x) => x.it);
}

/**
 * Joins fillers from `start` (cycling) until `tokens` tokens: the pieces, so a request can go between two of them.
 * A filler longer than the whole target is skipped, so the padding stays made of several texts.
 */
function padding(o: PaddedProbeOptions, start: number, tokens: number): string[] {
  const pieces: string[] = [];
  let have = 0;
  for (let i = 0; have < tokens && i < o.fillers.length; i++) {
    const f = o.fillers[(start + i) % o.fillers.length] ?? "";
    const n = o.countTokens(f);
    if (n > tokens) continue;
    pieces.push(f);
    have += n;
  }
  return pieces;
}

function middleJoin(pieces: readonly string[], text: string, countTokens: (t: string) => number): string {
  const total = pieces.reduce((a, p) => a + countTokens(p), 0);
  let acc = 0;
  let cut = 0;
  while (cut < pieces.length && acc + countTokens(pieces[cut] ?? "") <= total / 2)
    acc += countTokens(pieces[cut++] ?? "");
  cut = Math.max(1, Math.min(pieces.length - 1, cut));
  return [...pieces.slice(0, cut), text, ...pieces.slice(cut)].join(SEP);
}

/** Builds the probe: every sampled request alone and at each position, and each padding text alone. */
export function buildPaddedProbe(o: PaddedProbeOptions): PaddedCase[] {
  const n = o.maxRequests ?? 600;
  const padTokens = o.padTokens ?? DEFAULT_PAD_TOKENS;
  const cases: PaddedCase[] = [];
  const fillers = o.fillers.length;
  if (fillers === 0) return cases;
  const add = (kind: PaddedCase["kind"], reqs: readonly ProbeRequest[], salt: number) => {
    sampleById(reqs, n).forEach((r, i) => {
      const ctx = r.context === undefined ? {} : { context: r.context };
      const at = (i * 7 + salt) % fillers;
      const pad = padding(o, at, padTokens);
      const long = padding(o, at, o.capTokens);
      const texts: Record<PadPosition, string> = {
        alone: r.text,
        start: [r.text, ...pad].join(SEP),
        middle: middleJoin(pad, r.text, o.countTokens),
        end: [...pad, r.text].join(SEP),
        afterCap: [...long, r.text].join(SEP),
      };
      for (const position of PAD_POSITIONS)
        cases.push({ id: r.id, kind, position, text: texts[position], ...ctx });
      if (kind === "harmful") {
        cases.push({ id: `pad:${at}`, kind: "padding", position: "end", text: pad.join(SEP), ...ctx });
        cases.push({ id: `pad:${at}`, kind: "padding", position: "afterCap", text: long.join(SEP), ...ctx });
      }
    });
  };
  add("harmful", o.harmful, 0);
  add("benign", o.benign, 3);
  return cases;
}

/**
 * The follow-up turn of the conversation probe: the padded text is an earlier user turn and this the newest, so the
 * request sits in the history (the newest turn itself is screened, with windows, by the prompt stage).
 */
export const PROBE_FOLLOW_UP = "Thanks. So what would the next step be?";

/** The classifier input of a probe case for a stage (conversation: the padded text, then `PROBE_FOLLOW_UP`). */
export function paddedInput(stage: Stage, c: PaddedCase): ClassifierInput {
  switch (stage) {
    case "prompt":
      return { stage, text: c.text };
    case "completion":
      return { stage, text: c.text, context: c.context ?? "" };
    case "conversation": {
      const turns = [
        { role: "user" as const, text: c.text },
        { role: "user" as const, text: PROBE_FOLLOW_UP },
      ];
      return { stage, text: renderTurns(turns), turns };
    }
  }
}
