/**
 * A hand-written validator for OpenAI stream chunks, run once per SSE event. It accepts and rejects exactly what
 * the zod `chunkSchema` it replaces did (loose objects; `id`/`model` strings, `created` number, `choices[].delta`
 * with nullish `content`/`refusal` strings and `tool_calls[].function.arguments` strings), at a fraction of the
 * cost: zod's per-chunk parse was the largest single item of the dialect in the stream profile.
 */

export interface ChunkToolCall {
  readonly function?: { readonly arguments?: string };
}

export interface ChunkDelta {
  readonly content?: string | null;
  readonly refusal?: string | null;
  readonly tool_calls?: readonly ChunkToolCall[];
}

export interface OpenAiChunk {
  readonly id?: string;
  readonly created?: number;
  readonly model?: string;
  readonly choices?: readonly { readonly delta?: ChunkDelta }[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const optString = (v: unknown): boolean => v === undefined || typeof v === "string";
const nullishString = (v: unknown): boolean => v === undefined || v === null || typeof v === "string";

function validToolCalls(v: unknown): boolean {
  if (v === undefined) return true;
  if (!Array.isArray(v)) return false;
  for (const t of v as unknown[]) {
    if (!isObj(t)) return false;
    const f = t.function;
    if (f !== undefined && (!isObj(f) || !optString(f.arguments))) return false;
  }
  return true;
}

function validDelta(d: unknown): boolean {
  if (d === undefined) return true;
  if (!isObj(d)) return false;
  return nullishString(d.content) && nullishString(d.refusal) && validToolCalls(d.tool_calls);
}

/** The chunk when `value` has the chunk shape, else `null` (as a failed `safeParse` gave). */
export function readChunk(value: unknown): OpenAiChunk | null {
  if (!isObj(value)) return null;
  if (!optString(value.id) || !optString(value.model)) return null;
  if (value.created !== undefined && (typeof value.created !== "number" || !Number.isFinite(value.created))) {
    return null;
  }
  const choices = value.choices;
  if (choices !== undefined) {
    if (!Array.isArray(choices)) return null;
    for (const c of choices as unknown[]) {
      if (!isObj(c) || !validDelta(c.delta)) return null;
    }
  }
  return value;
}
