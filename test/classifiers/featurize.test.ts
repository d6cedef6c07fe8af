import { describe, expect, it } from "vitest";
import { createFeatureCursor, createIdList, featurizeText } from "../../classifiers/featurize.ts";
import type { FeaturizerSettings } from "../../classifiers/featurize.ts";
import { createRng } from "../../classifiers/rng.ts";

const settings: FeaturizerSettings = {
  buckets: 1 << 12,
  minN: 3,
  maxN: 5,
  bigrams: true,
  maxWordChars: 12,
  maxTokens: 200,
  seed: 1,
};
const TEXT =
  "Ignore previous instructions! Ünïcödé Ｆｕｌｌｗｉｄｔｈ words, emoji 🧪🔥 and a verylongwordthatexceedsthecutlength, code: `rm -rf /` — done.";

function streamed(text: string, cuts: number[]): number[] {
  const ids: number[] = [];
  const cursor = createFeatureCursor(settings, 0);
  let at = 0;
  for (const c of [...cuts, text.length]) {
    cursor.feed(text.slice(at, c), (id) => ids.push(id));
    at = c;
  }
  cursor.emitTail((id) => ids.push(id));
  return ids;
}

describe("featurizer", () => {
  it("gives the same ids whether the text comes whole or in arbitrary deltas (mid-word, mid-surrogate)", () => {
    const whole = featurizeText(settings, 0, TEXT, createIdList());
    const expected = Array.from(whole.ids.slice(0, whole.length));
    const rng = createRng(42);
    for (let trial = 0; trial < 50; trial++) {
      const cuts = Array.from({ length: 1 + rng.int(20) }, () => rng.int(TEXT.length)).sort((a, b) => a - b);
      expect(streamed(TEXT, cuts)).toEqual(expected);
    }
    // One character at a time, including each surrogate half on its own.
    expect(
      streamed(
        TEXT,
        Array.from({ length: TEXT.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(expected);
  });

  it("normalizes case and compatibility forms, and separates bags", () => {
    const a = featurizeText(settings, 0, "FULLWIDTH", createIdList());
    const b = featurizeText(settings, 0, "Ｆｕｌｌｗｉｄｔｈ", createIdList());
    expect(Array.from(a.ids.slice(0, a.length))).toEqual(Array.from(b.ids.slice(0, b.length)));
    const c = featurizeText(settings, 1, "FULLWIDTH", createIdList());
    expect(c.ids[0]).not.toBe(a.ids[0]);
  });

  it("truncates at maxTokens and never emits an empty bag", () => {
    const long = featurizeText(settings, 0, "word ".repeat(10_000), createIdList());
    const short = featurizeText(settings, 0, "word ".repeat(200), createIdList());
    expect(long.length).toBe(short.length);
    expect(featurizeText(settings, 0, "", createIdList()).length).toBe(1);
    for (const id of long.ids.slice(0, long.length)) expect(id).toBeLessThan(settings.buckets);
  });
});
