/**
 * Mutations of a JSON document for the fuzzer, at two levels: on the parsed value (drop, retype, nest deeply,
 * repeat into a huge array, lengthen a string, add a field, put invalid UTF-8 inside a string) and on the bytes
 * (truncate, splice invalid UTF-8 anywhere, duplicate a key, garbage, empty, BOM, trailing text). Large results
 * (deep nesting, huge arrays, long strings) are written as text, so no `JSON.stringify` recursion limits what can
 * be sent. Every mutation is plain data drawn by fast-check, so it shrinks and prints.
 */
import fc from "fast-check";

/** Where in the document a mutation applies: a fraction of the list of its paths (document order). */
type At = number;

export type ValueMutation =
  | { readonly op: "drop"; readonly at: At }
  | { readonly op: "retype"; readonly at: At; readonly value: unknown }
  | { readonly op: "nest"; readonly at: At; readonly depth: number; readonly kind: "array" | "object" }
  | { readonly op: "repeat"; readonly at: At; readonly times: number }
  | { readonly op: "longString"; readonly at: At; readonly length: number; readonly char: string }
  | { readonly op: "addField"; readonly at: At; readonly key: string; readonly value: unknown }
  | { readonly op: "badUtf8InString"; readonly at: At; readonly bytes: readonly number[] };

export type RawMutation =
  | { readonly op: "truncate"; readonly at: At }
  | { readonly op: "badUtf8"; readonly at: At; readonly bytes: readonly number[] }
  | { readonly op: "dupKey"; readonly key: string; readonly value: unknown }
  | { readonly op: "garbage"; readonly bytes: Uint8Array }
  | { readonly op: "empty" }
  | { readonly op: "bom" }
  | { readonly op: "trailing"; readonly text: string };

/** Byte sequences that are not UTF-8: stray bytes, a lone lead or continuation, overlong, surrogate, > U+10FFFF. */
export const BAD_UTF8: readonly (readonly number[])[] = [
  [0xff],
  [0xfe, 0xff],
  [0xc3],
  [0x80],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x99],
];

/** Largest text one mutation writes (the gateway's model body limit is 64 KiB: past it is oversized anyway). */
const MAX_EXPANSION = 160 * 1024;

/** A number in [0, 1): where something happens, as a fraction of what there is. */
export const fraction: fc.Arbitrary<number> = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** True `yes` times in `outOf` (drawn by fast-check, so seeded runs repeat). */
export const chance = (yes: number, outOf: number): fc.Arbitrary<boolean> =>
  fc.oneof(
    { weight: yes, arbitrary: fc.constant(true) },
    { weight: outOf - yes, arbitrary: fc.constant(false) },
  );

/** A JSON value of another type than expected (small, or a boundary number / long text). */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, -0.5, "", "x", [], {}, [null], { "": null }),
  fc.constantFrom<unknown>(2 ** 53 + 1, Number.MAX_SAFE_INTEGER, "9".repeat(400), "\u0000", "\ud800"),
  fc.jsonValue({ maxDepth: 2 }),
);

const badBytes = fc.constantFrom(...BAD_UTF8);

export const valueMutation: fc.Arbitrary<ValueMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("drop" as const), at: fraction }) },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant("retype" as const), at: fraction, value: wrongValue }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("nest" as const),
      at: fraction,
      depth: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1000, max: 40_000 })),
      kind: fc.constantFrom("array" as const, "object" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("repeat" as const),
      at: fraction,
      times: fc.oneof(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 500, max: 20_000 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("longString" as const),
      at: fraction,
      length: fc.oneof(fc.integer({ min: 100, max: 9000 }), fc.integer({ min: 30_000, max: 150_000 })),
      char: fc.constantFrom("a", "é", "🙂", " ", "\n", "\\", '"', "\u200b"),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("addField" as const),
      at: fraction,
      key: fc.oneof(
        fc.constantFrom("stream", "model", "__proto__", "constructor", "tools", "metadata", "input", ""),
        fc.string({ maxLength: 8 }),
      ),
      value: wrongValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("badUtf8InString" as const), at: fraction, bytes: badBytes }),
  },
);

export const rawMutation: fc.Arbitrary<RawMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("truncate" as const), at: fraction }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("badUtf8" as const), at: fraction, bytes: badBytes }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("dupKey" as const),
      key: fc.constantFrom("model", "messages", "stream", "max_tokens", "input"),
      value: wrongValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("garbage" as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "empty" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "bom" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("trailing" as const),
      text: fc.constantFrom("}", "]", ",", " {}", "\u0000", "garbage", "\n\n"),
    }),
  },
);

type Path = readonly (string | number)[];
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The paths of a value in document order (the root first), at most `max` of them; iterative. */
function pathsOf(value: unknown, max = 400): Path[] {
  const out: Path[] = [];
  const stack: { v: unknown; p: Path }[] = [{ v: value, p: [] }];
  while (stack.length > 0 && out.length < max) {
    const { v, p } = stack.pop() as { v: unknown; p: Path };
    out.push(p);
    const kids: { v: unknown; p: Path }[] = [];
    if (Array.isArray(v)) v.forEach((c: unknown, i) => kids.push({ v: c, p: [...p, i] }));
    else if (isObj(v)) for (const k of Object.keys(v)) kids.push({ v: v[k], p: [...p, k] });
    stack.push(...kids.reverse());
  }
  return out;
}

function getAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v;
}

/** Returns the new root: `path` set to `value` (the root itself when `path` is empty), or deleted when `drop`. */
function setAt(root: unknown, path: Path, value: unknown, drop = false): unknown {
  if (path.length === 0) return drop ? undefined : value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path.at(-1) as string | number;
  if (!drop) parent[key] = value;
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key];
  return root;
}

function pick<T>(items: readonly T[], fraction: At): T {
  return items[Math.min(items.length - 1, Math.floor(fraction * items.length))] as T;
}

/** A document under construction: the value, plus raw byte pieces that replace placeholder strings in it. */
interface Draft {
  value: unknown;
  readonly expansions: Buffer[];
}

/** A string that JSON-encodes to a unique, greppable token standing for `expansions[i]`. */
const placeholder = (i: number): string => `\u0000FZ${i}\u0000`;
const encodedPlaceholder = (i: number): string => JSON.stringify(placeholder(i)).slice(1, -1);

function expand(d: Draft, path: Path, text: Buffer | string): void {
  const i = d.expansions.length;
  d.expansions.push(Buffer.isBuffer(text) ? text : Buffer.from(text));
  d.value = setAt(d.value, path, placeholder(i));
}

/** JSON text of a value that may hold placeholders of earlier expansions (expanded in `render`). */
function inner(v: unknown): string {
  return JSON.stringify(v) ?? "null";
}

function applyValue(d: Draft, m: ValueMutation): void {
  const paths = pathsOf(d.value);
  switch (m.op) {
    case "drop":
      d.value = setAt(d.value, pick(paths, m.at), undefined, true) ?? {};
      return;
    case "retype":
      d.value = setAt(d.value, pick(paths, m.at), structuredClone(m.value));
      return;
    case "nest": {
      const path = pick(paths, m.at);
      const body = inner(getAt(d.value, path));
      const depth = Math.min(m.depth, Math.floor(MAX_EXPANSION / 6));
      const [open, close] = m.kind === "array" ? ["[", "]"] : ['{"a":', "}"];
      expand(d, path, open.repeat(depth) + body + close.repeat(depth));
      return;
    }
    case "repeat": {
      const path = pick(paths, m.at);
      const body = inner(getAt(d.value, path));
      const times = Math.max(1, Math.min(m.times, Math.floor(MAX_EXPANSION / (body.length + 1))));
      expand(d, path, `[${Array.from({ length: times }, () => body).join(",")}]`);
      return;
    }
    case "longString": {
      const strings = paths.filter((p) => typeof getAt(d.value, p) === "string");
      const path = pick(strings.length > 0 ? strings : paths, m.at);
      const text = m.char.repeat(Math.max(1, Math.floor(m.length / m.char.length)));
      expand(d, path, JSON.stringify(text.slice(0, MAX_EXPANSION)));
      return;
    }
    case "addField": {
      const objects = paths.filter((p) => isObj(getAt(d.value, p)));
      if (objects.length === 0) return;
      const target = getAt(d.value, pick(objects, m.at)) as Obj;
      Object.defineProperty(target, m.key, {
        value: structuredClone(m.value),
        enumerable: true,
        configurable: true,
        writable: true,
      });
      return;
    }
    case "badUtf8InString": {
      const strings = paths.filter((p) => typeof getAt(d.value, p) === "string");
      if (strings.length === 0) return;
      const path = pick(strings, m.at);
      const s = getAt(d.value, path) as string;
      const cut = Math.floor(s.length / 2);
      const enc = (t: string): Buffer => Buffer.from(JSON.stringify(t).slice(1, -1));
      const raw = Buffer.concat([
        Buffer.from('"'),
        enc(s.slice(0, cut)),
        Buffer.from(m.bytes),
        enc(s.slice(cut)),
      ]);
      expand(d, path, Buffer.concat([raw, Buffer.from('"')]));
      return;
    }
  }
}

/** Bodies stop growing here: far past every limit the gateway has, so the rest would only cost time. */
const MAX_BODY = 512 * 1024;

/**
 * Serialises a draft, replacing placeholders newest first (a later expansion may contain an earlier one, even many
 * times over when it repeated it).
 */
function render(d: Draft): Buffer {
  let out = Buffer.from(inner(d.value));
  for (let i = d.expansions.length - 1; i >= 0; i--) {
    const token = Buffer.from(`"${encodedPlaceholder(i)}"`);
    const piece = d.expansions[i] as Buffer;
    const parts: Buffer[] = [];
    let from = 0;
    let size = 0;
    for (let hit = out.indexOf(token); hit >= 0 && size < MAX_BODY; hit = out.indexOf(token, from)) {
      parts.push(out.subarray(from, hit), piece);
      size += hit - from + piece.length;
      from = hit + token.length;
    }
    parts.push(out.subarray(from));
    out = Buffer.concat(parts);
  }
  return out;
}

function applyRaw(body: Buffer, m: RawMutation): Buffer {
  switch (m.op) {
    case "truncate":
      return body.subarray(0, Math.floor(m.at * body.length));
    case "badUtf8": {
      const i = Math.floor(m.at * (body.length + 1));
      return Buffer.concat([body.subarray(0, i), Buffer.from(m.bytes), body.subarray(i)]);
    }
    case "dupKey": {
      const i = body.indexOf("{");
      if (i < 0) return body;
      const pair = Buffer.from(`${JSON.stringify(m.key)}:${inner(m.value)},`);
      return Buffer.concat([body.subarray(0, i + 1), pair, body.subarray(i + 1)]);
    }
    case "garbage":
      return Buffer.from(m.bytes);
    case "empty":
      return Buffer.alloc(0);
    case "bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
    case "trailing":
      return Buffer.concat([body, Buffer.from(m.text)]);
  }
}

/** The bytes of `value` after the value mutations, then the raw ones, in order. */
export function mutatedBytes(
  value: unknown,
  values: readonly ValueMutation[],
  raws: readonly RawMutation[],
): Buffer {
  const d: Draft = { value: structuredClone(value), expansions: [] };
  for (const m of values) applyValue(d, m);
  let body = render(d);
  for (const m of raws) body = applyRaw(body, m);
  return body;
}
