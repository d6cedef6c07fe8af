/**
 * The benign set a new jailbreak signature is checked against before it goes live (`specificity.ts`): everyday
 * prompts picked from the project's own synthetic data (`data/synthetic/*.prompts.jsonl`, rows with
 * `harmful: false` and no `attack`), committed as `benign-set.jsonl` beside this file so it ships with the gateway
 * (the image carries this file but neither `data/` nor `../shared/data`). Rebuild it after `npm run synth` with
 * `npm run signatures:benign-set`; a test checks the committed file equals the selection below.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { normalizeForSignature } from "../../classifiers/signatures/shingles.ts";
import { PROJECT_ROOT } from "../fs/project-root.ts";

/** Where the committed set lives (beside the source, also when the gateway runs compiled from `dist/`). */
export const BENIGN_SET_FILE = join(PROJECT_ROOT, "gateway/signatures/benign-set.jsonl");

/** What the selection needs of a synthetic prompt row. */
export interface BenignCandidate {
  readonly text: string;
  readonly harmful: boolean;
  readonly attack: string | null;
  readonly source: string;
  readonly clause?: string | undefined;
}

export interface BenignSelectionOptions {
  /** How many texts to keep. @defaultValue 6000 */
  size?: number;
  /** Shortest and longest text kept, in characters. @defaultValue [20, 300] */
  lengths?: readonly [number, number];
}

const sortKey = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Benign rows of the right length, one per normalised text, grouped by constitution clause (or source). */
function groupByClause(rows: readonly BenignCandidate[], [min, max]: readonly [number, number]) {
  const seen = new Set<string>();
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const text = r.text.trim();
    if (r.harmful || r.attack !== null || text.length < min || text.length > max) continue;
    const norm = normalizeForSignature(text);
    if (seen.has(norm)) continue;
    seen.add(norm);
    const g = r.clause ?? r.source;
    const list = groups.get(g);
    if (list) list.push(text);
    else groups.set(g, [text]);
  }
  return groups;
}

/**
 * Picks a varied, deterministic set: every clause in turn (round robin over clauses in name order), each clause's
 * texts in the order of their SHA-256, so the set spans all the everyday topics rather than the biggest clause.
 */
export function selectBenignSet(
  rows: readonly BenignCandidate[],
  { size = 6000, lengths = [20, 300] }: BenignSelectionOptions = {},
): string[] {
  const groups = [...groupByClause(rows, lengths).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, texts]) =>
      texts
        .map((t) => [sortKey(t), t] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, t]) => t),
    );
  const out: string[] = [];
  for (let i = 0; out.length < size; i++) {
    const before = out.length;
    for (const g of groups) {
      const t = g[i];
      if (t !== undefined && out.length < size) out.push(t);
    }
    if (out.length === before) break;
  }
  return out;
}

/** The file's bytes for a selection: one JSON string per line. */
export function serializeBenignSet(texts: readonly string[]): string {
  return texts.map((t) => `${JSON.stringify(t)}\n`).join("");
}

/** Reads the committed set (or another file in its format). */
export async function loadBenignSet(file = BENIGN_SET_FILE): Promise<string[]> {
  const lines = (await readFile(file, "utf8")).split("\n").filter((l) => l !== "");
  return lines.map((l, n) => {
    const r = z.string().safeParse(JSON.parse(l));
    if (!r.success) throw new Error(`${file}:${n + 1}: not a JSON string`);
    return r.data;
  });
}
