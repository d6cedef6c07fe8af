/**
 * Names the closest valid key for a misspelled config key (`sever` -> `server`): the schema's object shape at the
 * issue's path, and the candidate with the smallest edit distance (when it is close enough to be a likely typo).
 */
import { z } from "zod";

/** The object shape the schema expects at `path`, or `undefined` where there is none (free-form records). */
export function shapeAt(
  schema: z.ZodType,
  path: readonly PropertyKey[],
): Record<string, z.ZodType> | undefined {
  let node: z.ZodType | undefined = schema;
  let i = 0;
  while (node) {
    if (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodPrefault) {
      node = node.unwrap() as z.ZodType;
    } else if (node instanceof z.ZodNullable) {
      node = node.unwrap() as z.ZodType;
    } else if (node instanceof z.ZodPipe) {
      node = node.in as z.ZodType;
    } else if (i === path.length) {
      return node instanceof z.ZodObject ? node.shape : undefined;
    } else if (node instanceof z.ZodObject) {
      node = (node.shape as Record<string, z.ZodType | undefined>)[String(path[i++])];
    } else if (node instanceof z.ZodRecord) {
      node = node.valueType as z.ZodType;
      i++;
    } else if (node instanceof z.ZodArray) {
      node = node.element as z.ZodType;
      i++;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** Levenshtein distance (keys are short). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The valid key closest to `key`, when within a typo's distance (a third of the longer name, at least 2). */
export function closestKey(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(key.toLowerCase(), v.toLowerCase());
    if (d < bestD) [best, bestD] = [v, d];
  }
  const room = Math.max(2, Math.floor(Math.max(key.length, best?.length ?? 0) / 3));
  return bestD <= room ? best : undefined;
}

/** One line per unknown key of an `unrecognized_keys` issue, naming the closest valid key. */
export function unknownKeyLines(
  schema: z.ZodType,
  path: readonly PropertyKey[],
  keys: readonly string[],
): string[] {
  const valid = Object.keys(shapeAt(schema, path) ?? {});
  return keys.map((k) => {
    const where = [...path.map(String), k].join(".");
    const near = closestKey(k, valid);
    return `  ${where}: unknown key${near ? ` (did you mean "${near}"?)` : ""}`;
  });
}
