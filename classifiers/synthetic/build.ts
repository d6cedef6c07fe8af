/**
 * Runs every generator of `classifiers/synthetic/generators/` and turns their rows into JSONL in the shared-data
 * schema (`source: "synthetic-<group>"`, `permissive: true`, plus `clause`, `batch`, `lang`), after exact and
 * near-duplicate removal across the whole synthetic set.
 */
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createNearDuplicateFilter, normalizedWords } from "./dedupe.ts";
import { createKit } from "./kit.ts";
import type { Generator, SynthCompletion, SynthConversation, SynthPrompt } from "./kit.ts";

/** The licence recorded on synthetic rows: the team's own writing. */
export const SYNTHETIC_LICENSE = "CC0-1.0 (Portcullis team, synthetic)";

/** One output file's rows, already serialised. */
export interface SynthFile {
  readonly group: string;
  readonly kind: "prompts" | "completions" | "conversations";
  readonly lines: readonly string[];
}

/** Counts before and after de-duplication, per group and kind. */
export interface SynthStats {
  readonly group: string;
  readonly kind: string;
  readonly generated: number;
  readonly kept: number;
}

const seedOf = (group: string): number => createHash("sha256").update(group).digest().readUInt32LE(0);

/** `val` for ~10% of rows by a stable hash of the normalised text, as the shared data splits. */
const splitOf = (text: string): "train" | "val" =>
  createHash("sha256").update(normalizedWords(text).join(" ")).digest().readUInt32LE(0) % 10 === 0
    ? "val"
    : "train";

/**
 * Loads the generator modules (default exports) in run order. `onBroken` (development only: generators being
 * edited) receives a module that fails to load instead of the error being thrown.
 */
export async function loadGenerators(
  dir: string,
  onBroken?: (file: string, e: unknown) => void,
): Promise<Generator[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".ts")).sort();
  const gens: Generator[] = [];
  for (const f of files) {
    let mod: { default?: Generator };
    try {
      mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: Generator };
    } catch (e: unknown) {
      if (!onBroken) throw e;
      onBroken(f, e);
      continue;
    }
    if (!mod.default) throw new Error(`${f}: no default export (a Generator)`);
    gens.push(mod.default);
  }
  return gens.sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.group.localeCompare(b.group));
}

type AnyRow = SynthPrompt | SynthCompletion | SynthConversation;

function textOf(row: AnyRow): string {
  if ("text" in row) return row.text;
  if ("completion" in row) return `${row.prompt}\n${row.completion}`;
  return row.messages.map((m) => m.content).join("\n");
}

function toRecord(group: string, n: number, row: AnyRow): Record<string, unknown> {
  const common = {
    id: `synthetic-${group}:${n}`,
    harmful: row.harmful,
    categories: [...row.categories],
    source: `synthetic-${group}`,
    license: SYNTHETIC_LICENSE,
    permissive: true,
    weak: false,
  };
  const meta = { clause: row.clause, batch: row.batch, lang: row.lang ?? "en" };
  if ("text" in row)
    return { ...common, text: row.text, attack: row.attack, split: splitOf(row.text), ...meta };
  if ("completion" in row)
    return {
      ...common,
      prompt: row.prompt,
      completion: row.completion,
      split: splitOf(row.prompt || row.completion),
      ...meta,
    };
  const firstUser = row.messages.find((m) => m.role === "user")?.content ?? "";
  return {
    ...common,
    messages: row.messages.map((m) => ({ role: m.role, content: m.content })),
    attack: row.attack,
    split: splitOf(firstUser),
    ...meta,
  };
}

function validate(group: string, row: AnyRow): void {
  const bad = (why: string) =>
    new Error(`generator ${group}: ${why} (clause ${row.clause}): ${textOf(row).slice(0, 80)}`);
  if (!/^[a-z_]+\.[RP]\d+[a-z]?$/.test(row.clause) && !/^[a-z_]+\.[A-Z]+\d*$/.test(row.clause))
    throw bad("clause id must look like cbrn.R3 / cbrn.P2");
  if (row.harmful && row.categories.length === 0 && !("attack" in row && row.attack))
    throw bad("harmful row without categories");
  if (!row.harmful && row.categories.length > 0) throw bad("benign row with categories");
  if (textOf(row).trim().length === 0) throw bad("empty text");
}

/** Runs the generators and returns the de-duplicated files and the counts. */
export function buildSynthetic(gens: readonly Generator[]): { files: SynthFile[]; stats: SynthStats[] } {
  const filters = new Map<string, ReturnType<typeof createNearDuplicateFilter>>();
  const exact = new Set<string>();
  const prompts: SynthPrompt[] = [];
  const files: SynthFile[] = [];
  const stats: SynthStats[] = [];
  for (const gen of gens) {
    const out = gen.generate(createKit(seedOf(gen.group)), { prompts });
    const kinds = [
      ["prompts", out.prompts ?? []],
      ["completions", out.completions ?? []],
      ["conversations", out.conversations ?? []],
    ] as const;
    for (const [kind, rows] of kinds) {
      if (rows.length === 0) continue;
      const lines: string[] = [];
      for (const row of rows) {
        validate(gen.group, row);
        const text = textOf(row);
        const key = `${kind}\u0000${normalizedWords(text).join(" ")}`;
        if (exact.has(key)) continue;
        exact.add(key);
        let filter = filters.get(kind);
        if (!filter) filters.set(kind, (filter = createNearDuplicateFilter()));
        if (!filter.admit(text)) continue;
        if (kind === "prompts") prompts.push(row as SynthPrompt);
        lines.push(JSON.stringify(toRecord(gen.group, lines.length, row)));
      }
      files.push({ group: gen.group, kind, lines });
      stats.push({ group: gen.group, kind, generated: rows.length, kept: lines.length });
    }
  }
  return { files, stats };
}
