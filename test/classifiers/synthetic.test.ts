import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSynthetic, loadGenerators } from "../../classifiers/synthetic/build.ts";
import type { SynthFile } from "../../classifiers/synthetic/build.ts";
import { createNearDuplicateFilter } from "../../classifiers/synthetic/dedupe.ts";
import { createKit } from "../../classifiers/synthetic/kit.ts";

const ROOT = join(import.meta.dirname, "../..");
const parse = (f: SynthFile) => f.lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe("synthetic data", () => {
  it("drops near duplicates (Jaccard >= 0.7 over word 3-grams) and keeps distinct rows", () => {
    const f = createNearDuplicateFilter();
    expect(f.admit("How do I bake a loaf of sourdough bread at home with rye flour today?")).toBe(true);
    expect(f.admit("how do i bake a loaf of sourdough bread at home with rye flour today")).toBe(false);
    expect(f.admit("How do I bake a loaf of sourdough bread at home with rye flour tonight?")).toBe(false);
    expect(f.admit("What is the best way to fix a flat bicycle tire on the road?")).toBe(true);
  });

  it("the kit is seeded: the same seed gives the same draws", () => {
    const draw = (seed: number) => {
      const kit = createKit(seed);
      return [
        kit.pick(["a", "b", "c", "d"]),
        kit.vary("Please help me write an email to my landlord", 1),
        kit.sample([1, 2, 3, 4, 5], 3),
      ];
    };
    expect(draw(7)).toEqual(draw(7));
  });

  // Regenerates everything (~15 s): the committed rows are exactly what the generators write, every clause they
  // cite is in the constitution, and the set holds what issue 9 asks for.
  it("committed data/synthetic equals the generators' output, cites real clauses and meets the minimums", async () => {
    const gens = await loadGenerators(join(ROOT, "classifiers/synthetic/generators"));
    const { files } = buildSynthetic(gens);
    const committed = (await readdir(join(ROOT, "data/synthetic")))
      .filter((f) => f.endsWith(".jsonl"))
      .sort();
    expect(committed).toEqual(files.map((f) => `${f.group}.${f.kind}.jsonl`).sort());
    for (const f of files) {
      const text = await readFile(join(ROOT, "data/synthetic", `${f.group}.${f.kind}.jsonl`), "utf8");
      expect(
        text === f.lines.map((l) => `${l}\n`).join(""),
        `${f.group}.${f.kind} is stale: run npm run synth`,
      ).toBe(true);
    }
    const dir = join(ROOT, "classifiers/constitution");
    const constitution = (
      await Promise.all((await readdir(dir)).map((n) => readFile(join(dir, n), "utf8")))
    ).join("\n");
    const rows = files.flatMap(parse);
    const clauses = new Set(rows.map((r) => String(r["clause"]).replace(/b$/, "")));
    const missing = [...clauses].filter((c) => !constitution.includes(c));
    expect(missing, "clauses cited by rows but absent from classifiers/constitution").toEqual([]);
    const prompts = files.filter((f) => f.kind === "prompts").flatMap(parse);
    const harmful = prompts.filter((r) => r["harmful"] === true && r["attack"] === null);
    const benign = prompts.filter((r) => r["harmful"] === false && r["attack"] === null);
    const lookalike = benign.filter((r) => /^(?!everyday|instructions)[a-z_]+\.P/.test(String(r["clause"])));
    const everyday = benign.filter((r) => /^(everyday|instructions)\./.test(String(r["clause"])));
    expect(harmful.length).toBeGreaterThanOrEqual(15_000);
    expect(lookalike.length).toBeGreaterThanOrEqual(10_000);
    expect(everyday.length).toBeGreaterThanOrEqual(10_000);
    expect(prompts.filter((r) => r["attack"] !== null).length).toBeGreaterThanOrEqual(5_000);
    expect(files.filter((f) => f.kind === "conversations").flatMap(parse).length).toBeGreaterThanOrEqual(
      3_000,
    );
    // Harmful requests in at least 8 languages besides English, 5% of them or more.
    const foreign = harmful.filter((r) => r["lang"] !== "en");
    expect(new Set(foreign.map((r) => r["lang"])).size).toBeGreaterThanOrEqual(8);
    expect(foreign.length / harmful.length).toBeGreaterThanOrEqual(0.05);
    for (const r of rows) expect(["a", "b"]).toContain(r["batch"]);
  }, 120_000);
});
