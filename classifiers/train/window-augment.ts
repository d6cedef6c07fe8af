/**
 * Window-shaped training examples, for the windowed scoring of `classify` (`classifiers/windows.ts`). At serving
 * time a long input is also scored in windows of `tokens` tokens, so the model meets two kinds of text it never
 * trained on: a request sitting among unrelated text that fills the rest of the window, and a window cut out of
 * the middle of a long benign text. Without examples of either, the first windowed models flagged a third of
 * 16-token windows of ordinary long prompts (code, logs, tables) and caught padded requests only at that price.
 *
 * - **Padded** (both labels, `paddedShare` of the rows that fit in three quarters of a window): the text with a
 *   crop of a random benign training text before it, after it or around it, the whole at most one window long;
 *   the label (harmful, attack, categories) is the row's. Benign rows get the same treatment, so "a request in
 *   the middle of other text" is no shortcut to either label.
 * - **Crops** (benign only, `cropShare` of the benign rows longer than a window): one span of half a window to a
 *   whole window.
 *
 * Padding and crops come from benign *training* rows only (permissive train and synthetic). The text padded is the
 * first bag's: the prompt, the completion (its prompt kept as context), or the last user turn of a conversation.
 */
import { createRng } from "../rng.ts";
import type { Rng } from "../rng.ts";
import type { ClassifierInput, Turn } from "../types.ts";
import { renderTurns } from "../types.ts";
import type { LabelledInput } from "./examples.ts";

/** Knobs of the window augmentation. */
export interface WindowAugmentOptions {
  /**
   * Longest padded example and crop, in tokens: at least the served window (`windows.tokens`); crops run from
   * half of it to all of it.
   */
  readonly tokens: number;
  /** Share of the rows that fit in 3/4 of a window repeated with padding. */
  readonly paddedShare: number;
  /** Share of the benign rows longer than a window repeated as one window-long crop. */
  readonly cropShare: number;
}

/** Word runs and single symbols: close to the featurizer's tokens (it also splits Han and kana per character). */
const TOKEN_RE = /[\p{L}\p{M}\p{N}_]+|[^\s\p{L}\p{M}\p{N}_]/gu;

/** Character offsets `[start, end)` of each token of `text`. */
export function tokenSpans(text: string): [number, number][] {
  return [...text.matchAll(TOKEN_RE)].map((m) => [m.index, m.index + m[0].length]);
}

/** The text `[from, to)` tokens of `text` span (`spans` from `tokenSpans`). */
function sliceTokens(text: string, spans: readonly [number, number][], from: number, to: number): string {
  if (to <= from) return "";
  return text.slice(spans[from]?.[0] ?? 0, spans[to - 1]?.[1] ?? 0);
}

/** The text of an input's first bag (the text the windows slide over). */
function firstBagText(input: ClassifierInput): string | null {
  if (input.stage !== "conversation") return input.text;
  const turns = input.turns ?? [];
  for (let i = turns.length - 1; i >= 0; i--) if (turns[i]?.role === "user") return turns[i]?.text ?? null;
  return null;
}

/** The input with its first bag's text replaced. */
function withFirstBagText(input: ClassifierInput, text: string): ClassifierInput {
  if (input.stage !== "conversation") return { ...input, text };
  const turns: Turn[] = [...(input.turns ?? [])];
  for (let i = turns.length - 1; i >= 0; i--) {
    const t = turns[i];
    if (t?.role === "user") {
      turns[i] = { role: "user", text };
      break;
    }
  }
  return { ...input, text: renderTurns(turns), turns };
}

const SEPARATORS = [" ", "\n", "\n\n"];

function padded(text: string, n: number, filler: string, rng: Rng, tokens: number): string {
  const spans = tokenSpans(filler);
  // The whole stays within one window: 8 to (tokens - n) tokens of padding.
  const want = Math.min(spans.length, 8 + rng.int(Math.max(1, tokens - n - 7)));
  const at = rng.int(Math.max(1, spans.length - want + 1));
  const sep = SEPARATORS[rng.int(SEPARATORS.length)] ?? " ";
  const place = rng.int(3);
  if (place === 0) return `${text}${sep}${sliceTokens(filler, spans, at, at + want)}`;
  if (place === 1) return `${sliceTokens(filler, spans, at, at + want)}${sep}${text}`;
  const half = at + (want >> 1);
  return `${sliceTokens(filler, spans, at, half)}${sep}${text}${sep}${sliceTokens(filler, spans, half, at + want)}`;
}

/** Padded and cropped copies of the (non-augmented) items; deterministic for a seed. */
export function augmentWindows(
  items: readonly LabelledInput[],
  seed: number,
  o: WindowAugmentOptions,
): LabelledInput[] {
  const rng = createRng(seed ^ 0x1f83d9ab);
  const base = items.filter((it) => !it.source.startsWith("aug:"));
  const fillers = base
    .filter((it) => !it.row.harmful)
    .map((it) => firstBagText(it.input) ?? "")
    .filter((t) => t.length >= 60);
  const out: LabelledInput[] = [];
  if (fillers.length === 0) return out;
  for (const it of base) {
    const text = firstBagText(it.input);
    if (text === null || text.trim().length === 0) continue;
    const spans = tokenSpans(text);
    const n = spans.length;
    let next: string | null = null;
    if (n <= (o.tokens * 3) >> 2) {
      if (rng.next() >= o.paddedShare) continue;
      next = padded(text.trim(), n, fillers[rng.int(fillers.length)] ?? "", rng, o.tokens);
    } else if (!it.row.harmful && n > o.tokens) {
      if (rng.next() >= o.cropShare) continue;
      // Windows of a long text are `tokens` long, its last one shorter only when it is short itself; crops of half
      // to a whole window also stand for the shorter windows of a model served with smaller ones.
      const len = (o.tokens >> 1) + rng.int((o.tokens >> 1) + 1);
      const at = rng.int(n - len + 1);
      next = sliceTokens(text, spans, at, at + len);
    }
    if (next !== null)
      out.push({ input: withFirstBagText(it.input, next), row: it.row, source: `aug:${it.source}` });
  }
  return out;
}
