import { describe, expect, it } from "vitest";
import { createIdList, featurizeText } from "../../classifiers/featurize.ts";
import type { FeaturizerSettings, IdList } from "../../classifiers/featurize.ts";
import { headForward, inputWidth, poolMean } from "../../classifiers/model.ts";
import type { ModelWeights } from "../../classifiers/model.ts";
import { createRng } from "../../classifiers/rng.ts";
import { combineWindowScores, windowToWholeScale } from "../../classifiers/window-scale.ts";
import { featurizeBags, windowCount, windowScores, wholeForward } from "../../classifiers/windows.ts";
import type { WindowSettings } from "../../classifiers/windows.ts";

const settings: FeaturizerSettings = {
  buckets: 1 << 10,
  minN: 3,
  maxN: 5,
  bigrams: true,
  maxWordChars: 40,
  maxTokens: 50,
  seed: 3,
};

function randomWeights(bags: number, seed = 1): ModelWeights {
  const rng = createRng(seed);
  const r = (n: number, s = 1) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * s);
  const dim = 6;
  const hidden = 5;
  const labels = ["harmful", "attack", "cbrn"] as const;
  return {
    labels: [...labels],
    buckets: settings.buckets,
    dim,
    bags,
    hidden,
    emb: r(settings.buckets * dim, 4),
    w1: r(hidden * bags * dim, 2),
    b1: r(hidden),
    w2: r(labels.length * hidden, 2),
    b2: r(labels.length),
  };
}

const words = "the quick brown fox jumps over lazy dogs while seven wizards quietly hex a jovial yak".split(
  " ",
);
function textOf(tokens: number, seed: number): string {
  const rng = createRng(seed);
  return Array.from({ length: tokens }, () => words[rng.int(words.length)]).join(" ");
}

const ids = (l: IdList) => Array.from(l.ids.slice(0, l.length));

describe("windowed scoring", () => {
  it("featurizes once: the whole bag equals featurizeText (token cap included), every token is kept", () => {
    const ws: WindowSettings = { tokens: 8, stride: 4, bags: [0] };
    for (const n of [0, 1, 7, 8, 9, 49, 50, 51, 130]) {
      for (const tail of ["", " end.", " x"]) {
        const text = textOf(n, n) + tail;
        const [bf] = featurizeBags(settings, ws, [text]);
        const plain = featurizeText(settings, 0, text, createIdList());
        expect(ids(bf!.whole), `${n} tokens + ${JSON.stringify(tail)}`).toEqual(ids(plain));
        const uncapped = featurizeText(
          { ...settings, maxTokens: Number.MAX_SAFE_INTEGER },
          0,
          text,
          createIdList(),
        );
        expect([...ids(bf!.all!), bf!.end]).toEqual(ids(uncapped));
        const tokens = text.split(/\s+|(?=[.])/).filter((t) => t.length > 0).length;
        expect(bf!.starts!.length).toBe(tokens);
      }
    }
  });

  it("scores every window as a bag of its own (its features plus the end marker), the other bags whole", () => {
    const w = randomWeights(2);
    const ws: WindowSettings = { tokens: 12, stride: 4, bags: [0, 1] };
    const texts = [textOf(75, 1), textOf(31, 2)];
    const bags = featurizeBags(settings, ws, texts);
    const seen: [number, number, number][] = [];
    const got = windowScores(w, bags, ws, (b, from, to) => seen.push([b, from, to]));
    const best = new Float64Array(w.labels.length).fill(-1);
    for (const [b, from, to] of seen) {
      const bf = bags[b]!;
      const starts = bf.starts!;
      const at = (t: number) => (t >= starts.length ? bf.all!.length : starts.ids[t]!);
      const win = [...ids(bf.all!).slice(at(from), at(to)), bf.end];
      const x = new Float64Array(inputWidth(w));
      bags.forEach((o, c) =>
        poolMean(w, c === b ? { ids: Int32Array.from(win), length: win.length } : o.whole, x, c * w.dim),
      );
      const p = new Float64Array(w.labels.length);
      headForward(w, x, p);
      p.forEach((v, k) => (best[k] = Math.max(best[k]!, v)));
    }
    expect(got).not.toBeNull();
    best.forEach((v, k) => expect(got![k]).toBeCloseTo(v, 10));
    // Windows cover every token of each bag, the last one ends on the last token, and their number is linear.
    for (const b of [0, 1]) {
      const T = bags[b]!.starts!.length;
      const mine = seen.filter(([bb]) => bb === b);
      expect(mine.length).toBe(windowCount(T, ws));
      const covered = new Set(
        mine.flatMap(([, from, to]) => Array.from({ length: to - from }, (_, i) => from + i)),
      );
      expect(covered.size).toBe(T);
      expect(Math.max(...mine.map(([, , to]) => to))).toBe(T);
      for (const [, from, to] of mine) expect(to - from).toBe(ws.tokens);
    }
  });

  it("has no windows for a bag that fits in one, and sees text past the token cap", () => {
    const w = randomWeights(1);
    const ws: WindowSettings = { tokens: 16, stride: 8, bags: [0] };
    expect(windowScores(w, featurizeBags(settings, ws, [textOf(16, 4)]), ws)).toBeNull();
    const seen: number[] = [];
    windowScores(w, featurizeBags(settings, ws, [textOf(200, 5)]), ws, (_b, _f, to) => seen.push(to));
    expect(Math.max(...seen)).toBe(200);
    expect(settings.maxTokens).toBeLessThan(200);
  });

  it("maps window scores onto the whole-input scale: thresholds to thresholds, monotone, never raised", () => {
    const whole = { flag: 0.9, block: 0.99 };
    const win = { flag: 0.999, block: 0.9999 };
    expect(windowToWholeScale(0.999, whole, win)).toBeCloseTo(0.9, 9);
    expect(windowToWholeScale(0.9999, whole, win)).toBeCloseTo(0.99, 9);
    let prev = 0;
    for (let i = 1; i < 1000; i++) {
      const v = 1 - Math.pow(10, -i / 150);
      const m = windowToWholeScale(v, whole, win);
      expect(m).toBeGreaterThanOrEqual(prev);
      expect(m).toBeLessThanOrEqual(v);
      expect(m >= whole.flag).toBe(v >= win.flag);
      expect(m >= whole.block).toBe(v >= win.block);
      prev = m;
    }
    // A window threshold below the whole one never makes windows more sensitive than the whole input.
    expect(windowToWholeScale(0.95, whole, { flag: 0.5, block: 0.8 })).toBeCloseTo(0.95, 9);
    const labels = ["harmful"] as const;
    const both = combineWindowScores([...labels], [0.2], Float64Array.of(0.9995), {
      whole: { harmful: whole },
      windows: { harmful: win },
    });
    expect(both[0]).toBeGreaterThan(0.9);
    expect(both[0]).toBeLessThan(0.99);
    expect(combineWindowScores([...labels], [0.2], null, { whole: { harmful: whole } })[0]).toBe(0.2);
  });

  it("scores the whole input exactly as the unwindowed reference", () => {
    const w = randomWeights(2, 9);
    const texts = [textOf(80, 7), textOf(20, 8)];
    const bags = featurizeBags(settings, { tokens: 8, stride: 4, bags: [0] }, texts);
    const plain = texts.map((t, b) => featurizeText(settings, b, t, createIdList()));
    const x = new Float64Array(inputWidth(w));
    plain.forEach((l, b) => poolMean(w, l, x, b * w.dim));
    const p = new Float64Array(w.labels.length);
    headForward(w, x, p);
    expect(Array.from(wholeForward(w, bags))).toEqual(Array.from(p));
  });
});
