/**
 * Character shingles for near-duplicate matching. Text is folded like every classifier's input (`foldText`: NFKC,
 * lower-case, invisible characters, look-alike letters, leetspeak) and every run of punctuation or whitespace
 * collapsed to one space, so casing, spacing, punctuation and obfuscation do not matter; a reworded word only
 * disturbs the shingles that overlap it.
 */
import { foldText } from "../normalize.ts";

/** Shingle length in characters. 5 keeps common short words from matching on their own. @defaultValue 5 */
export const SHINGLE_CHARS = 5;

/** Folds the text like every classifier does (`foldText`), then collapses punctuation/whitespace to single spaces. */
export function normalizeForSignature(text: string): string {
  return foldText(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The set of hashed shingles of `text` (normalised first). Texts shorter than one shingle give one shingle. */
export function shingleSet(text: string, k = SHINGLE_CHARS, maxChars = 16_384): Set<number> {
  const norm = normalizeForSignature(text).slice(0, maxChars);
  const out = new Set<number>();
  if (norm.length === 0) return out;
  if (norm.length <= k) {
    out.add(fnv1a(norm, 0, norm.length));
    return out;
  }
  for (let i = 0; i + k <= norm.length; i++) out.add(fnv1a(norm, i, i + k));
  return out;
}
