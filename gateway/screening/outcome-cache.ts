/**
 * Reuses the clean "allow" outcome of a stage for text that repeats across requests - a product's system prompt
 * and tool definitions arrive unchanged with every request, and the cost of screening text grows with its length
 * (tens of KB of tool schemas cost the prompt model about a millisecond). Only outcomes with no action,
 * no failed classifier and no fail mode are kept, so a block, a flag or a timeout is always screened afresh; an
 * entry lives `ttlMs` (a new jailbreak signature therefore reaches repeated text within that time on top of the
 * usual replica sync), and entries belong to the `StagePolicy` object they were screened with, so a policy change
 * (which builds new objects) starts empty.
 */
import type { ClassifierInput, Stage } from "../../classifiers/types.ts";
import type { StageRecord } from "../../contracts/incident.ts";
import type { StagePolicy } from "../../config/schema.ts";

export interface OutcomeCacheOptions {
  /** How long a clean outcome is reused. @defaultValue 1000 */
  ttlMs?: number;
  /** Most entries per stage policy; the oldest goes first. @defaultValue 64 */
  maxEntries?: number;
  /** Longest text kept (longer text is screened every time). @defaultValue 65536 */
  maxTextChars?: number;
  /** The clock, in milliseconds. @defaultValue Date.now */
  now?: () => number;
}

export interface OutcomeCache {
  /** The cached outcome for this input, else the outcome of `screen()` (cached when clean). */
  run(
    stage: Stage,
    policy: StagePolicy,
    input: ClassifierInput,
    screen: () => Promise<StageRecord>,
  ): Promise<StageRecord>;
}

interface Entry {
  readonly outcome: StageRecord;
  readonly until: number;
}

function isClean(o: StageRecord): boolean {
  return (
    o.action === "allow" && o.failMode === undefined && o.classifiers.every((r) => r.error === undefined)
  );
}

/** Creates a per-process outcome cache (one per screener). */
export function createOutcomeCache({
  ttlMs = 1000,
  maxEntries = 64,
  maxTextChars = 65_536,
  now = Date.now,
}: OutcomeCacheOptions = {}): OutcomeCache {
  const byPolicy = new WeakMap<StagePolicy, Map<string, Entry>>();
  return {
    async run(stage, policy, input, screen) {
      if (input.context !== undefined || input.text.length > maxTextChars) return screen();
      const key = `${stage}\0${input.text}`;
      let entries = byPolicy.get(policy);
      const hit = entries?.get(key);
      if (hit && hit.until > now()) return hit.outcome;
      const outcome = await screen();
      if (!isClean(outcome)) return outcome;
      if (!entries) byPolicy.set(policy, (entries = new Map<string, Entry>()));
      entries.delete(key);
      entries.set(key, { outcome, until: now() + ttlMs });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
      return outcome;
    },
  };
}
