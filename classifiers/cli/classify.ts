/**
 * `npm run classify -- --stage <prompt|completion|conversation> --in rows.jsonl --out scores.jsonl [--models models]`
 * Reads rows in the shared data schema and writes one line per row:
 * `{"id","stage","harmful":p,"attack":p,"categories":{cat:p},"action":"allow|flag|block"}`.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { classifyRow } from "../batch.ts";
import { createOnnxClassifier } from "../onnx-classifier.ts";
import { STAGES } from "../types.ts";
import type { Stage } from "../types.ts";

const { values } = parseArgs({
  options: {
    stage: { type: "string" },
    in: { type: "string" },
    out: { type: "string" },
    models: { type: "string", default: "models" },
  },
});
const stage = values.stage as Stage;
if (!STAGES.includes(stage) || !values.in || !values.out) {
  process.stderr.write(
    "usage: npm run classify -- --stage <prompt|completion|conversation> --in rows.jsonl --out scores.jsonl\n",
  );
  process.exit(2);
}
const clf = await createOnnxClassifier({ dir: join(resolve(values.models), stage) });
const out = createWriteStream(values.out);
const lines = createInterface({ input: createReadStream(values.in, "utf8"), crlfDelay: Infinity });
const signal = new AbortController().signal;
let n = 0;
let lineNo = 0;
for await (const line of lines) {
  lineNo++;
  if (line.trim() === "") continue;
  const res = await classifyRow(clf, stage, JSON.parse(line) as Record<string, unknown>, signal);
  if (!res.ok) {
    process.stderr.write(`line ${lineNo}: ${res.error.message}\n`);
    process.exitCode = 1;
    continue;
  }
  if (!out.write(`${JSON.stringify(res.value)}\n`))
    await new Promise<void>((r) => out.once("drain", () => r()));
  n++;
}
await new Promise<void>((r) => out.end(r));
await clf.close?.();
process.stderr.write(`classified ${n} ${stage} rows -> ${values.out}\n`);
