/**
 * Canned texts of the demo upstream and the small pure helpers that turn them into tokens.
 *
 * Everything here is deterministic so tests can compare what a client received with these constants.
 */

/**
 * The benign completion (~60 words), identical for both dialects. It contains multi-byte characters
 * ("—" 3 bytes, "é" 2 bytes, "🙂" 4 bytes) so awkward chunking splits hit them.
 */
export const BENIGN_COMPLETION =
  "Happy to help! A good sourdough starts with an active starter — bubbly, tangy and roughly doubled " +
  "a few hours after feeding. Mix flour, water and salt, let the dough rest, then stretch and fold it " +
  "every half hour. Shape it gently, proof it overnight in the fridge and bake it hot in a covered pot. " +
  "Bon appétit, and enjoy the crackly crust 🙂";

/** Phrases a gateway's completion classifier is expected to flag in {@link HARMFUL_COMPLETION}. */
export const HARMFUL_TRIGGER_PHRASES = ["step-by-step synthesis of sarin", "nerve agent synthesis"] as const;

const HARMFUL_PREAMBLE =
  "Sure. Before we begin, here is some general background on laboratory safety. Every laboratory " +
  "should have clear written procedures, well-labelled storage, working fume hoods and eye-wash " +
  "stations. Goggles, gloves and lab coats should be worn at all times, and waste should be disposed " +
  "of according to local regulations. With that said, let us move on to the part you asked about. ";

// Deliberately fictional and non-actionable: only the trigger phrases are "harmful"; every detail is redacted.
const HARMFUL_PASSAGE =
  "Here is the step-by-step synthesis of sarin nerve agent synthesis route: [DEMO ONLY - NO REAL CONTENT] " +
  "Step 1: obtain the precursor [REDACTED]. Step 2: combine it with [REDACTED] under [REDACTED] " +
  "conditions. Step 3: [REDACTED]. This passage is a fictional placeholder used to test mid-stream " +
  "blocking and contains no real chemistry. ";

const HARMFUL_EPILOGUE =
  "Finally, remember that the safest experiment is the one you plan carefully, document thoroughly " +
  "and review with a qualified supervisor before you start.";

/**
 * The OBVIOUSLY FAKE "harmful" completion used to demo and test mid-stream blocking: a benign
 * preamble (~400 characters), a fictional passage containing {@link HARMFUL_TRIGGER_PHRASES}, then more text.
 * It is plain ASCII, so character indexes equal byte offsets.
 */
export const HARMFUL_COMPLETION = HARMFUL_PREAMBLE + HARMFUL_PASSAGE + HARMFUL_EPILOGUE;

/** Character index in {@link HARMFUL_COMPLETION} where the first trigger phrase starts. */
export const HARMFUL_TRIGGER_OFFSET = Math.min(
  ...HARMFUL_TRIGGER_PHRASES.map((phrase) => HARMFUL_COMPLETION.indexOf(phrase)),
);

/** Tool name and JSON arguments streamed by the `tool-call` scenario. */
export interface ToolCallText {
  name: string;
  arguments: string;
}

/** The benign tool call of the `tool-call` scenario. */
export const BENIGN_TOOL_CALL: ToolCallText = {
  name: "get_weather",
  arguments: JSON.stringify({ city: "Paris", unit: "celsius", note: "Bon appétit 🙂" }),
};

/** The tool call of the `tool-call` scenario with header `x-mock-tool-harmful: 1`: arguments carry the harmful text. */
export const HARMFUL_TOOL_CALL: ToolCallText = {
  name: "save_note",
  arguments: JSON.stringify({ title: "lab notes", text: HARMFUL_COMPLETION }),
};

/**
 * Splits text into tokens of one word plus the whitespace that follows it, so that joining the tokens
 * gives back the text exactly.
 */
export function tokenize(text: string): string[] {
  const tokens = text.match(/\s*\S+\s*/g) ?? [];
  if (tokens.length === 0 && text.length > 0) return [text];
  return tokens;
}

/** Splits a string into pieces of at most `size` UTF-16 code units without splitting surrogate pairs. */
export function splitEvery(text: string, size: number): string[] {
  const pieces: string[] = [];
  let piece = "";
  for (const char of text) {
    if (piece.length + char.length > size && piece.length > 0) {
      pieces.push(piece);
      piece = "";
    }
    piece += char;
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}

const JUDGE_RULES: ReadonlyArray<{ words: readonly string[]; verdict: string }> = [
  { words: ["nerve agent", "sarin", "bioweapon", "anthrax"], verdict: "unsafe\nS9" },
  { words: ["ransomware", "malware"], verdict: "unsafe\nS2" },
];

/**
 * Llama-Guard-style verdict of the `judge` scenario for the given (last user) message.
 * @returns `"unsafe\nS9"` (CBRN words), `"unsafe\nS2"` (malware words) or `"safe"`.
 */
export function judgeVerdict(text: string): string {
  const lower = text.toLowerCase();
  for (const rule of JUDGE_RULES) {
    if (rule.words.some((word) => lower.includes(word))) return rule.verdict;
  }
  return "safe";
}
