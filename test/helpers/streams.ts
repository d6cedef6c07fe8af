/** Fixtures shared by the stream guard tests: a rules-only completion stage and an OpenAI event stream. */
import type { StagePolicy } from "../../config/schema.ts";
import type { SseEvent } from "../../gateway/sse/event.ts";

/** A completion stage on the built-in rules: CBRN blocks at 0.3, harmful flags at 0.5. */
export const RULES_STAGE: StagePolicy = {
  enabled: true,
  cascade: [["rules"]],
  uncertain: { low: 0.35, high: 0.75 },
  thresholds: { cbrn: { block: 0.3 }, harmful: { flag: 0.5, block: 0.95 } },
  deadlineMs: 250,
  failMode: "closed",
};

/** An OpenAI chat-completion stream of `text`: role chunk, one chunk per word, finish chunk, `[DONE]`. */
export function openaiEvents(text: string): SseEvent[] {
  const words = text.match(/\S+\s*/g) ?? [];
  const chunk = (delta: unknown, finish: string | null): SseEvent => ({
    data: JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta, finish_reason: finish }],
    }),
  });
  return [
    chunk({ role: "assistant", content: "" }, null),
    ...words.map((w) => chunk({ content: w }, null)),
    chunk({}, "stop"),
    { data: "[DONE]" },
  ];
}
