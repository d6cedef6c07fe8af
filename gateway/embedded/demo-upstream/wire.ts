/**
 * Shapes shared by the dialect renderers and the response writer.
 */

/**
 * A rendered SSE stream: the events before the first token, one string per token (written with the
 * per-token delay between them), and the closing events. Each string holds whole SSE events.
 */
export interface StreamPlan {
  head: string;
  tokens: string[];
  tail: string;
}

/**
 * Placeholder (a JSON string literal) that renderers put where the prompt token count goes, so a rendered
 * body can be cached and the count filled in per request with {@link fillPromptTokens}.
 */
export const PROMPT_TOKENS_SLOT = "__mock_prompt_tokens__";

const SLOT_LITERAL = JSON.stringify(PROMPT_TOKENS_SLOT);
const TOTAL_SLOT_PREFIX = "__mock_total_tokens_";
const TOTAL_SLOT_PATTERN = /"__mock_total_tokens_(\d+)__"/g;

/** Placeholder for a total token count: the prompt token count plus `outputTokens`. */
export function totalTokensSlot(outputTokens: number): string {
  return `${TOTAL_SLOT_PREFIX}${outputTokens}__`;
}

/** Replaces the prompt-token (and total-token) placeholders in rendered JSON with numbers. */
export function fillPromptTokens(rendered: string, promptTokens: number): string {
  let filled = rendered;
  if (filled.includes(SLOT_LITERAL)) filled = filled.replaceAll(SLOT_LITERAL, String(promptTokens));
  if (filled.includes(TOTAL_SLOT_PREFIX)) {
    filled = filled.replace(TOTAL_SLOT_PATTERN, (_match, output: string) =>
      String(promptTokens + Number(output)),
    );
  }
  return filled;
}

/** Fills the prompt-token placeholder in the head and tail of a stream plan. */
export function fillPlanPromptTokens(plan: StreamPlan, promptTokens: number): StreamPlan {
  return {
    head: fillPromptTokens(plan.head, promptTokens),
    tokens: plan.tokens,
    tail: fillPromptTokens(plan.tail, promptTokens),
  };
}

/** One SSE event with only a `data:` line. */
export function sseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** One SSE event with an `event:` line and a `data:` line. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Seconds since the epoch, as in the `created` fields of OpenAI objects. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
