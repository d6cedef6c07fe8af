/**
 * Reading the shared labelled JSONL (`../shared/data`, schema in its DATA.md) with zod validation.
 * Nothing is read on import.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import { HARM_CATEGORIES } from "./types.ts";
import type { Stage } from "./types.ts";

const common = {
  id: z.string(),
  harmful: z.boolean(),
  categories: z.array(z.enum(HARM_CATEGORIES)),
  source: z.string(),
  license: z.string(),
  permissive: z.boolean(),
  weak: z.boolean(),
  split: z.enum(["train", "val"]),
  /** Synthetic rows only: the constitution clause, generation batch and language (`classifiers/synthetic/`). */
  clause: z.string().optional(),
  batch: z.enum(["a", "b"]).optional(),
  lang: z.string().optional(),
};
const attack = z.enum(["jailbreak", "injection"]).nullable();

/** A `prompts.jsonl` row. */
export const promptRowSchema = z.object({ ...common, text: z.string(), attack });
/** A `completions.jsonl` row (no attack field). */
export const completionRowSchema = z.object({ ...common, prompt: z.string(), completion: z.string() });
/** A `conversations.jsonl` row. */
export const conversationRowSchema = z.object({
  ...common,
  messages: z.array(z.object({ role: z.enum(["user", "assistant", "system"]), content: z.string() })),
  attack,
});

export type PromptRow = z.infer<typeof promptRowSchema>;
export type CompletionRow = z.infer<typeof completionRowSchema>;
export type ConversationRow = z.infer<typeof conversationRowSchema>;
/** Any row of the shared data schema. */
export type DataRow = PromptRow | CompletionRow | ConversationRow;

/** A row plus the exact JSONL line it came from (the training-data digest hashes lines). */
export interface LoadedRow<R extends DataRow = DataRow> {
  readonly row: R;
  readonly line: string;
}

/** The JSONL file holding each stage's rows. */
export const STAGE_FILES: Record<Stage, string> = {
  prompt: "prompts.jsonl",
  completion: "completions.jsonl",
  conversation: "conversations.jsonl",
};

/** Zod schema for a stage's rows. */
export function rowSchemaFor(stage: Stage): z.ZodType<DataRow> {
  switch (stage) {
    case "prompt":
      return promptRowSchema;
    case "completion":
      return completionRowSchema;
    case "conversation":
      return conversationRowSchema;
  }
}

/** Reads and validates one JSONL file of `stage` rows; a bad line throws with its line number. */
export async function readRows(stage: Stage, file: string): Promise<LoadedRow[]> {
  const schema = rowSchemaFor(stage);
  const rows: LoadedRow[] = [];
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === "") continue;
    const parsed = schema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${file}:${n}: ${parsed.error.message}`);
    rows.push({ row: parsed.data, line });
  }
  return rows;
}

/** Reads a stage's file from the data directory. */
export function readStageRows(dataDir: string, stage: Stage): Promise<LoadedRow[]> {
  return readRows(stage, resolve(dataDir, STAGE_FILES[stage]));
}

/**
 * The synthetic rows of a stage: every `*.<kind>.jsonl` of `dir` (`data/synthetic/`, written by `npm run synth`),
 * in file-name order. A missing directory holds no rows.
 */
export async function readSyntheticRows(dir: string, stage: Stage): Promise<LoadedRow[]> {
  const suffix = `.${STAGE_FILES[stage]}`;
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(suffix)).sort();
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const out: LoadedRow[] = [];
  for (const f of files) out.push(...(await readRows(stage, join(dir, f))));
  return out;
}

/** The shared rows of a stage followed by the synthetic ones (when `syntheticDir` is given). */
export async function readStageData(
  dataDir: string,
  stage: Stage,
  syntheticDir: string | undefined,
): Promise<LoadedRow[]> {
  const shared = await readStageRows(dataDir, stage);
  return syntheticDir === undefined ? shared : shared.concat(await readSyntheticRows(syntheticDir, stage));
}

/** The repository's synthetic data directory (`data/synthetic`), or `PORTCULLIS_SYNTHETIC_DIR`. */
export function resolveSyntheticDir(explicit: string | undefined, cwd = process.cwd()): string {
  return resolve(cwd, explicit ?? process.env["PORTCULLIS_SYNTHETIC_DIR"] ?? "data/synthetic");
}

/** True for rows the team wrote (`source: "synthetic-..."`). */
export const isSynthetic = (row: DataRow): boolean => row.source.startsWith("synthetic-");

/** Environment variable naming the training data directory (see `resolveDataDir`). */
export const TRAINING_DATA_ENV = "PORTCULLIS_TRAINING_DATA";

/**
 * Resolves the training data directory: explicit option (`--data DIR`), then `PORTCULLIS_TRAINING_DATA`, then
 * `../shared/data`. Not `PORTCULLIS_DATA_DIR`: that is the gateway's own directory (spool, embedded Redis), and one
 * name for both made a gateway setting silently redirect training (issue 12).
 */
export function resolveDataDir(explicit: string | undefined, cwd = process.cwd()): string {
  return resolve(cwd, explicit ?? process.env[TRAINING_DATA_ENV] ?? "../shared/data");
}

/** sha256 over the JSONL lines used (in file order, newline-joined). */
export function digestRows(rows: readonly LoadedRow[]): string {
  const h = createHash("sha256");
  for (const r of rows) h.update(r.line).update("\n");
  return `sha256:${h.digest("hex")}`;
}

/** The `attack` value of any row (completions have none). */
export function rowAttack(row: DataRow): "jailbreak" | "injection" | null {
  return "attack" in row ? row.attack : null;
}
