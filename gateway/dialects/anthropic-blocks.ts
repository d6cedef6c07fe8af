/**
 * Which events of an Anthropic stream form units the client must receive whole (see
 * `StreamRenderer.openUnitFrom`). Text blocks stream piecewise; every other block is a unit from its
 * `content_block_start` to its `content_block_stop`: a thinking block is sent back verbatim with its signature (the
 * last delta) and the API rejects one whose signature is missing, and a tool_use block's partial input is turned
 * into a call by client libraries. A run of consecutive tool_use blocks (parallel tool calls) is one unit, complete
 * at the next event that is not another tool_use block, so a refused turn carries no tool call an agent would run.
 */

import { createUnitTracker, type BlockKind } from "./unit-tracker.ts";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function indexOf(value: unknown): number {
  return isObj(value) && typeof value.index === "number" ? value.index : 0;
}

function blockTypeOf(value: unknown): unknown {
  return isObj(value) && isObj(value.content_block) ? value.content_block.type : undefined;
}

/** The unit state of one Anthropic stream. */
export interface BlockUnits {
  /** Reads one event (its parsed data), the stream's event number `at`. */
  read(event: string | undefined, value: unknown, at: number): void;
  /** See `StreamRenderer.openUnitFrom`. */
  unitFrom(): number;
}

/** Tracks the units of one Anthropic stream. */
export function createBlockUnits(): BlockUnits {
  const units = createUnitTracker();
  const kindOf = (type: unknown): BlockKind =>
    type === "text" ? "piecewise" : type === "tool_use" ? "tool" : "whole";
  return {
    read(event, value, at) {
      if (event === "content_block_start") units.open(indexOf(value), kindOf(blockTypeOf(value)), at);
      else if (event === "content_block_stop") units.close(indexOf(value));
      else if (event === "message_delta") units.endRun();
      else if (event === "message_stop") units.reset();
    },
    unitFrom: () => units.from(),
  };
}
