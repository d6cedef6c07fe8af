/**
 * Request bodies of the benchmark: a realistic multi-turn chat (system prompt + three turns, so the conversation
 * stage runs as well as the prompt stage), streamed or not, and the mock's harmful scenario for the blocking mix.
 */

const MESSAGES = [
  { role: "system", content: "You are a helpful baking assistant. Answer briefly and kindly." },
  { role: "user", content: "I want to start baking bread at home. Where should I begin?" },
  { role: "assistant", content: "A simple sourdough is a great first project. Do you have a starter yet?" },
  { role: "user", content: "Not yet. How do I make a starter and bake my first sourdough loaf?" },
];

export type Mode = "json" | "sse";

/** A chat completion request body for the mock's benign (or harmful) scenario. */
export function chatBody(mode: Mode, harmful = false): string {
  return JSON.stringify({
    model: harmful ? "demo-harmful" : "bench-model",
    messages: MESSAGES,
    max_tokens: 256,
    ...(mode === "sse" ? { stream: true } : {}),
  });
}

/** Picks the harmful body (index 1) for `share` of requests, deterministically spread. */
export function mixPicker(share: number): () => number {
  let n = 0;
  const every = Math.max(1, Math.round(1 / share));
  return () => (++n % every === 0 ? 1 : 0);
}
