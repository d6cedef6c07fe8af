/**
 * Near-duplicate removal for the synthetic set, by the same rule the shared data used against its held-out set:
 * Jaccard >= 0.7 over word 3-gram shingles of the normalised text (NFKC, lower-case, punctuation to spaces).
 * Candidates come from MinHash LSH (8 bands of 4 of 32 hashes, so pairs at 0.7 meet in some band with
 * probability ~0.9 and far-apart pairs rarely), then the exact Jaccard decides. First row wins.
 */

const HASHES = 32;
const BANDS = 8;
const ROWS_PER_BAND = HASHES / BANDS;

/** Normalised words of a text. */
export function normalizedWords(text: string): string[] {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .filter((w) => w.length > 0);
}

function fnv(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

function shingles(text: string): Set<number> {
  const w = normalizedWords(text);
  const out = new Set<number>();
  if (w.length < 3) out.add(fnv(w.join(" "), 0));
  for (let i = 0; i + 3 <= w.length; i++) out.add(fnv(`${w[i]} ${w[i + 1]} ${w[i + 2]}`, 0));
  return out;
}

function jaccard(a: Set<number>, b: Set<number>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

function signature(set: Set<number>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const s of set) {
    for (let k = 0; k < HASHES; k++) {
      let h = Math.imul(s ^ (k * 0x9e3779b9), 0x85ebca6b) >>> 0;
      h ^= h >>> 15;
      h = Math.imul(h, 0xc2b2ae35) >>> 0;
      h ^= h >>> 13;
      if (h >>> 0 < (sig[k] as number)) sig[k] = h >>> 0;
    }
  }
  return sig;
}

/** Incremental near-duplicate filter: `admit` returns false for a text too close to one admitted before. */
export function createNearDuplicateFilter(threshold = 0.7): { admit(text: string): boolean } {
  const kept: Set<number>[] = [];
  const buckets = new Map<string, number[]>();
  return {
    admit(text) {
      const set = shingles(text);
      const sig = signature(set);
      const keys: string[] = [];
      const seen = new Set<number>();
      for (let b = 0; b < BANDS; b++) {
        const key = `${b}:${Array.from(sig.subarray(b * ROWS_PER_BAND, (b + 1) * ROWS_PER_BAND)).join(",")}`;
        keys.push(key);
        for (const i of buckets.get(key) ?? []) {
          if (seen.has(i)) continue;
          seen.add(i);
          if (jaccard(set, kept[i] as Set<number>) >= threshold) return false;
        }
      }
      const index = kept.push(set) - 1;
      for (const key of keys) {
        const list = buckets.get(key);
        if (list) list.push(index);
        else buckets.set(key, [index]);
      }
      return true;
    },
  };
}
