/**
 * The Responses stream as the client has received it: the response from `response.created`, and every output item
 * with the parts it opened and the text released into them. A stop (a block, a broken upstream) uses it to close
 * what the client saw opened - so no item or part is left dangling - and to send the final Response object with
 * exactly the output the client holds.
 */
import type { EventWriter } from "./responses-events.ts";

type Obj = Record<string, unknown>;

type PartList = "content" | "summary";

interface OpenPart {
  readonly list: PartList;
  readonly index: number;
}

interface TrackedItem {
  item: Obj;
  done: boolean;
  /** Parts added and not yet done, by `list:index`. */
  readonly open: Map<string, OpenPart>;
}

/** Deltas that grow a part of an item: the part list, the event's index field, the part's text field. */
const PART_DELTAS: ReadonlyMap<string, readonly [PartList, string, string]> = new Map([
  ["response.output_text.delta", ["content", "content_index", "text"]],
  ["response.refusal.delta", ["content", "content_index", "refusal"]],
  ["response.reasoning_text.delta", ["content", "content_index", "text"]],
  ["response.reasoning_summary_text.delta", ["summary", "summary_index", "text"]],
] as const);

/** Deltas that grow a field of the item itself (tool call arguments and inputs). */
const ITEM_DELTAS: ReadonlyMap<string, string> = new Map([
  ["response.function_call_arguments.delta", "arguments"],
  ["response.custom_tool_call_input.delta", "input"],
  ["response.mcp_call_arguments.delta", "arguments"],
  ["response.code_interpreter_call_code.delta", "code"],
]);

const PART_EVENTS: ReadonlyMap<string, { list: PartList; index: string; open: boolean }> = new Map([
  ["response.content_part.added", { list: "content", index: "content_index", open: true }],
  ["response.content_part.done", { list: "content", index: "content_index", open: false }],
  ["response.reasoning_summary_part.added", { list: "summary", index: "summary_index", open: true }],
  ["response.reasoning_summary_part.done", { list: "summary", index: "summary_index", open: false }],
] as const);

const LIFECYCLE: ReadonlySet<string> = new Set([
  "response.created",
  "response.in_progress",
  "response.queued",
]);

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : 0;
}

function listOf(item: Obj, list: PartList): unknown[] {
  const existing = item[list];
  if (Array.isArray(existing)) return existing as unknown[];
  const created: unknown[] = [];
  item[list] = created;
  return created;
}

function append(target: unknown, field: string, delta: unknown): void {
  if (!isObj(target) || typeof delta !== "string") return;
  const current = target[field];
  target[field] = (typeof current === "string" ? current : "") + delta;
}

/** What the client holds of one Responses stream. */
export interface OutputTracker {
  /** Notes an event the client was sent (parsed). */
  see(event: Obj): void;
  /** The Response object of `response.created` / `in_progress`, once the client has it. */
  response(): Obj | undefined;
  /** The output items in order, as the client holds them. */
  output(): Obj[];
  /** The sequence number the next event must carry. */
  nextSequence(): number;
  /** Events that close every part and item the client saw opened and not closed; items end `incomplete`. */
  closeOpen(w: EventWriter): string;
}

/** The done events of one open part, with the text the client received in it. */
function closePart(w: EventWriter, t: TrackedItem, outputIndex: number, p: OpenPart): string {
  const part = listOf(t.item, p.list)[p.index];
  const body = isObj(part) ? part : {};
  const item_id = typeof t.item.id === "string" ? t.item.id : "";
  if (p.list === "summary") {
    const at = { item_id, output_index: outputIndex, summary_index: p.index };
    return (
      w.event("response.reasoning_summary_text.done", { ...at, text: body.text ?? "" }) +
      w.event("response.reasoning_summary_part.done", { ...at, part: body })
    );
  }
  const at = { item_id, output_index: outputIndex, content_index: p.index };
  const done =
    body.type === "refusal"
      ? w.event("response.refusal.done", { ...at, refusal: body.refusal ?? "" })
      : body.type === "reasoning_text"
        ? w.event("response.reasoning_text.done", { ...at, text: body.text ?? "" })
        : w.event("response.output_text.done", { ...at, text: body.text ?? "", logprobs: [] });
  return done + w.event("response.content_part.done", { ...at, part: body });
}

/** A tracker for one stream. */
export function createOutputTracker(): OutputTracker {
  const items = new Map<number, TrackedItem>();
  let response: Obj | undefined;
  let next = 0;

  function partEvent(e: Obj, how: { list: PartList; index: string; open: boolean }): void {
    const t = items.get(num(e.output_index));
    if (!t || !isObj(e.part)) return;
    const index = num(e[how.index]);
    listOf(t.item, how.list)[index] = e.part;
    if (how.open) t.open.set(`${how.list}:${index}`, { list: how.list, index });
    else t.open.delete(`${how.list}:${index}`);
  }

  function delta(e: Obj, type: string): void {
    const t = items.get(num(e.output_index));
    if (!t) return;
    const field = ITEM_DELTAS.get(type);
    if (field !== undefined) return append(t.item, field, e.delta);
    const part = PART_DELTAS.get(type);
    if (part) append(listOf(t.item, part[0])[num(e[part[1]])], part[2], e.delta);
  }

  function see(e: Obj): void {
    if (typeof e.sequence_number === "number" && e.sequence_number >= next) next = e.sequence_number + 1;
    const type = typeof e.type === "string" ? e.type : "";
    if (LIFECYCLE.has(type)) {
      if (isObj(e.response)) response = e.response;
    } else if (type === "response.output_item.added" || type === "response.output_item.done") {
      if (isObj(e.item)) {
        const open = new Map<string, OpenPart>();
        items.set(num(e.output_index), { item: e.item, done: type === "response.output_item.done", open });
      }
    } else {
      const how = PART_EVENTS.get(type);
      if (how) partEvent(e, how);
      else delta(e, type);
    }
  }

  function ordered(): [number, TrackedItem][] {
    return [...items.entries()].sort((a, b) => a[0] - b[0]);
  }

  return {
    see,
    response: () => response,
    output: () => ordered().map(([, t]) => t.item),
    nextSequence: () => next,
    closeOpen(w) {
      let out = "";
      for (const [index, t] of ordered()) {
        if (t.done) continue;
        for (const p of t.open.values()) out += closePart(w, t, index, p);
        t.open.clear();
        t.item = { ...t.item, status: "incomplete" };
        t.done = true;
        out += w.event("response.output_item.done", { output_index: index, item: t.item });
      }
      return out;
    },
  };
}
