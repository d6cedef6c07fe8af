/**
 * The jailbreak signature matcher: an inverted index from shingle to signatures. For a prompt it counts, per
 * signature, how many of the signature's shingles the prompt contains (containment). A reworded copy, or the
 * signature pasted inside a longer prompt, keeps most shingles; a benign text that shares a phrase keeps few.
 *
 * Exact shingle containment rather than a MinHash estimate: with hundreds of signatures the index lookup costs
 * about one hash-map probe per prompt shingle, and exact counts avoid MinHash's estimation error near the
 * threshold. (MinHash/LSH becomes the better trade at hundreds of thousands of signatures.)
 */
import { SHINGLE_CHARS, shingleSet } from "./shingles.ts";

/** A signature as the matcher needs it. */
export interface SignatureEntry {
  readonly id: string;
  readonly text: string;
  /** Epoch ms; null = never expires. */
  readonly expiresAt: number | null;
}

export interface SignatureMatch {
  readonly id: string;
  /** Fraction of the signature's shingles found in the text, in [0, 1]. */
  readonly containment: number;
}

export interface SignatureIndex {
  readonly size: number;
  /** The best unexpired signature whose containment reaches the threshold, if any. */
  match(text: string, now?: number): SignatureMatch | undefined;
}

export interface SignatureIndexOptions {
  /** Minimum containment for a match. @defaultValue 0.5 */
  threshold?: number;
  /** Shingle length. @defaultValue 5 */
  shingleChars?: number;
}

/** Builds an immutable index; rebuild it when the signature set changes. */
export function createSignatureIndex(
  entries: readonly SignatureEntry[],
  { threshold = 0.5, shingleChars = SHINGLE_CHARS }: SignatureIndexOptions = {},
): SignatureIndex {
  const sizes: number[] = [];
  const postings = new Map<number, number[]>();
  entries.forEach((e, i) => {
    const set = shingleSet(e.text, shingleChars);
    sizes.push(set.size);
    for (const h of set) {
      const list = postings.get(h);
      if (list) list.push(i);
      else postings.set(h, [i]);
    }
  });
  return {
    size: entries.length,
    match(text, now = Date.now()) {
      if (entries.length === 0) return undefined;
      const hits = new Uint32Array(entries.length);
      for (const h of shingleSet(text, shingleChars)) {
        const list = postings.get(h);
        if (list) for (const i of list) hits[i] = (hits[i] ?? 0) + 1;
      }
      let best: SignatureMatch | undefined;
      entries.forEach((e, i) => {
        const size = sizes[i] ?? 0;
        if (size === 0 || (e.expiresAt !== null && e.expiresAt <= now)) return;
        const containment = (hits[i] ?? 0) / size;
        if (containment >= threshold && (!best || containment > best.containment))
          best = { id: e.id, containment };
      });
      return best;
    },
  };
}
