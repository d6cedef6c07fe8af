/**
 * The everyday sanity set (`test/fixtures/classifiers/everyday-prompts.json`): hand-written everyday benign chat
 * prompts and clear misuse requests, never trained on. Reported by `npm run eval` and gated by a test.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ScoreKey, Scores } from "../types.ts";
import type { KeyThresholds } from "../window-scale.ts";
import { asl3Action } from "./asl3.ts";

/** Path of the fixture, relative to the project root. */
export const SANITY_SET_PATH = join(
  import.meta.dirname,
  "../../test/fixtures/classifiers/everyday-prompts.json",
);

/** The fixture's prompts. */
export interface SanitySet {
  readonly benign: readonly string[];
  readonly harmful: readonly string[];
}

/** Flag/block rates on the sanity set, and the benign prompts that were flagged. */
export interface SanityReport {
  benign: number;
  harmful: number;
  benignFlagRate: number;
  benignBlockRate: number;
  harmfulFlagRate: number;
  harmfulBlockRate: number;
  falseFlags: string[];
  misses: string[];
}

/** Reads the fixture. */
export async function readSanitySet(path = SANITY_SET_PATH): Promise<SanitySet> {
  return JSON.parse(await readFile(path, "utf8")) as SanitySet;
}

/** Scores every prompt of the set and reports the rates of the asl3 action on the prompt stage (model alone). */
export async function sanityFigures(
  set: SanitySet,
  score: (text: string) => Promise<Scores>,
  thresholds: Partial<Record<ScoreKey, KeyThresholds>>,
): Promise<SanityReport> {
  const act = async (texts: readonly string[]) =>
    Promise.all(texts.map(async (t) => ({ t, a: asl3Action("prompt", await score(t), thresholds) })));
  const b = await act(set.benign);
  const h = await act(set.harmful);
  const rate = (xs: { a: string }[], f: (a: string) => boolean) =>
    xs.length ? Math.round((xs.filter((x) => f(x.a)).length / xs.length) * 1e4) / 1e4 : 0;
  return {
    benign: b.length,
    harmful: h.length,
    benignFlagRate: rate(b, (a) => a !== "allow"),
    benignBlockRate: rate(b, (a) => a === "block"),
    harmfulFlagRate: rate(h, (a) => a !== "allow"),
    harmfulBlockRate: rate(h, (a) => a === "block"),
    falseFlags: b.filter((x) => x.a !== "allow").map((x) => x.t),
    misses: h.filter((x) => x.a === "allow").map((x) => x.t),
  };
}
