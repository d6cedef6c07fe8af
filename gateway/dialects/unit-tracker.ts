/**
 * The state both block-structured dialects (Anthropic content blocks, Responses output items) keep to answer
 * `StreamRenderer.openUnitFrom`: which blocks are open, where the oldest incomplete unit began, and whether a run
 * of tool calls may still grow. The dialects map their events onto it.
 */

/** How a block streams: piecewise (text), as a tool call (runs of them form one unit), or whole (thinking...). */
export type BlockKind = "piecewise" | "tool" | "whole";

export interface UnitTracker {
  /** A block opens at event `at`. */
  open(index: number, kind: BlockKind, at: number): void;
  /** A block closes. */
  close(index: number): void;
  /** An event that is not another tool call: a run of completed tool calls is complete. */
  endRun(): void;
  /** The stream ended: every unit is complete. */
  reset(): void;
  /** See `StreamRenderer.openUnitFrom`. */
  from(): number;
}

export function createUnitTracker(): UnitTracker {
  /** Open blocks that are units: index -> whether it is a tool call. */
  const open = new Map<number, boolean>();
  let from = -1;
  /** Every open block has closed, the last a tool call: the run may go on with another tool call. */
  let toolRun = false;
  const endRun = (): void => {
    if (!toolRun) return;
    toolRun = false;
    if (open.size === 0) from = -1;
  };
  return {
    open(index, kind, at) {
      if (kind !== "tool") endRun();
      if (kind === "piecewise") return;
      toolRun = false;
      // A block that opens while a unit is incomplete joins it.
      if (from < 0) from = at;
      open.set(index, kind === "tool");
    },
    close(index) {
      const tool = open.get(index);
      if (tool === undefined) return;
      open.delete(index);
      if (open.size > 0) return;
      if (tool) toolRun = true;
      else from = -1;
    },
    endRun,
    reset() {
      open.clear();
      toolRun = false;
      from = -1;
    },
    from: () => from,
  };
}
