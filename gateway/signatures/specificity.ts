/**
 * The specificity check a signature passes before it goes live: its containment (the share of its shingles a
 * text contains, as `classifiers/signatures/matcher.ts` computes it) is measured in every text of the shipped
 * benign set (`benign-set.ts`). A signature that would catch everyday prompts (say "can you help me with this
 * please") is refused with how many benign texts it matched; the texts themselves are never returned or logged.
 *
 * The check uses a lower containment than the live matcher (0.35 against 0.5), so a signature that would block
 * a light rewording of a benign text, not only the text itself, is refused too. Specific jailbreaks share almost
 * nothing with everyday prompts (the DAN and role-play signatures in the tests match none even at 0.3), while
 * generic phrases match dozens.
 *
 * The benign texts' shingles are computed once, on the first check (~0.1 s for 6,000 texts); a check then costs
 * one set probe per benign shingle (a few milliseconds), so it can run in the request that adds the signature.
 */
import { SHINGLE_CHARS, shingleSet } from "../../classifiers/signatures/shingles.ts";
import { loadBenignSet } from "./benign-set.ts";

/** How a candidate fared against the benign set. */
export interface SpecificityResult {
  /** Benign texts the candidate would have caught. */
  readonly benignMatches: number;
  /** Size of the benign set. */
  readonly benignTotal: number;
  /** Whether the candidate may go live (`benignMatches <= maxBenignMatches`). */
  readonly ok: boolean;
}

export interface SpecificityCheck {
  check(text: string): Promise<SpecificityResult>;
}

export interface SpecificityCheckOptions {
  /** The benign texts; loaded once, on the first check. @defaultValue the committed set (`loadBenignSet`) */
  benign?: () => Promise<readonly string[]>;
  /** Containment at which a benign text counts as caught. @defaultValue 0.35 */
  threshold?: number;
  /** Benign matches tolerated. @defaultValue 0 */
  maxBenignMatches?: number;
  /** Shingle length; must be the live matcher's. @defaultValue SHINGLE_CHARS */
  shingleChars?: number;
}

/** Counts the benign texts that contain at least `threshold` of the candidate's shingles. */
function countMatches(
  candidate: ReadonlySet<number>,
  benign: readonly Uint32Array[],
  threshold: number,
): number {
  if (candidate.size === 0) return 0;
  const needed = threshold * candidate.size;
  let matches = 0;
  for (const shingles of benign) {
    let hits = 0;
    for (const h of shingles) if (candidate.has(h)) hits++;
    if (hits >= needed) matches++;
  }
  return matches;
}

/**
 * Creates the check. Loading is lazy so that building the gateway reads nothing; a set that fails to load makes
 * the check throw (no signature goes live unchecked) and the next check tries again.
 */
export function createSpecificityCheck(o: SpecificityCheckOptions = {}): SpecificityCheck {
  const k = o.shingleChars ?? SHINGLE_CHARS;
  const load = o.benign ?? (() => loadBenignSet());
  let prepared: Promise<Uint32Array[]> | undefined;
  const prepare = async (): Promise<Uint32Array[]> =>
    (await load()).map((t) => Uint32Array.from(shingleSet(t, k)));
  return {
    async check(text) {
      prepared ??= prepare();
      let benign: Uint32Array[];
      try {
        benign = await prepared;
      } catch (e: unknown) {
        prepared = undefined;
        throw e;
      }
      const benignMatches = countMatches(shingleSet(text, k), benign, o.threshold ?? 0.35);
      return { benignMatches, benignTotal: benign.length, ok: benignMatches <= (o.maxBenignMatches ?? 0) };
    },
  };
}
