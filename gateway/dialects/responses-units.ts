/**
 * Which events of a Responses stream form units the client must receive whole (see `StreamRenderer.openUnitFrom`).
 * Message items stream piecewise; every other output item is a unit from its `response.output_item.added` to its
 * `response.output_item.done`: a reasoning item is sent back verbatim (with its `encrypted_content`), and a tool
 * call's partial arguments would be turned into a call by client libraries (the AI SDK runs a function call at its
 * `output_item.done`). A run of consecutive tool-call items (parallel calls) is one unit, complete at the next event
 * that does not open another tool call, so a refused turn carries no call an agent would run.
 */

import { createUnitTracker, type BlockKind } from "./unit-tracker.ts";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Items a client acts on: function, custom, computer, shell and MCP calls, and MCP approval requests. */
const TOOL_ITEM = /^(.*_call|mcp_approval_request)$/;

const TERMINAL: ReadonlySet<string> = new Set([
  "response.completed",
  "response.incomplete",
  "response.failed",
]);

function outputIndexOf(value: Obj): number {
  return typeof value.output_index === "number" ? value.output_index : 0;
}

function itemTypeOf(value: Obj): string {
  return isObj(value.item) && typeof value.item.type === "string" ? value.item.type : "";
}

/** The unit state of one Responses stream. */
export interface ItemUnits {
  /** Reads one event (its parsed data), the stream's event number `at`. */
  read(value: unknown, at: number): void;
  /** The stream ended (a terminal event, or `[DONE]`): every unit is complete. */
  done(): void;
  /** See `StreamRenderer.openUnitFrom`. */
  unitFrom(): number;
}

/** Tracks the units of one Responses stream. */
export function createItemUnits(): ItemUnits {
  const units = createUnitTracker();
  const kindOf = (type: string): BlockKind =>
    type === "message" ? "piecewise" : TOOL_ITEM.test(type) ? "tool" : "whole";
  return {
    read(value, at) {
      if (!isObj(value)) return;
      const type = typeof value.type === "string" ? value.type : "";
      if (type === "response.output_item.added")
        units.open(outputIndexOf(value), kindOf(itemTypeOf(value)), at);
      else if (type === "response.output_item.done") units.close(outputIndexOf(value));
      else if (TERMINAL.has(type)) units.reset();
      else if (type !== "keepalive") units.endRun();
    },
    done: () => units.reset(),
    unitFrom: () => units.from(),
  };
}
