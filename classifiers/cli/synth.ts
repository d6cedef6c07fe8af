/**
 * `npm run synth [-- --only GROUP]`: regenerates the synthetic training data (`data/synthetic/*.jsonl`) from the
 * generators in `classifiers/synthetic/generators/`. Deterministic: the same generators write the same bytes.
 * `--tolerate` skips generators that fail to load (while they are being written).
 * `--only` still runs every generator (later ones reuse earlier rows) but writes only that group's files.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildSynthetic, loadGenerators } from "../synthetic/build.ts";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    out: { type: "string", default: "data/synthetic" },
    tolerate: { type: "boolean", default: false },
  },
});
const outDir = resolve(values.out);
const gens = await loadGenerators(
  resolve(import.meta.dirname, "../synthetic/generators"),
  values.tolerate ? (f) => process.stderr.write(`skipped ${f}: it does not load\n`) : undefined,
);
const { files, stats } = buildSynthetic(gens);
await mkdir(outDir, { recursive: true });
for (const f of files) {
  if (values.only && f.group !== values.only) continue;
  await writeFile(join(outDir, `${f.group}.${f.kind}.jsonl`), f.lines.map((l) => `${l}\n`).join(""));
}
let total = 0;
for (const s of stats) {
  total += s.kept;
  process.stdout.write(`${s.group}\t${s.kind}\t${s.generated} generated\t${s.kept} kept\n`);
}
process.stdout.write(`total ${total} rows\n`);
