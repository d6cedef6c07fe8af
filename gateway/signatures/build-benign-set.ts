/**
 * `npm run signatures:benign-set [-- --synthetic DIR]`: rebuilds `gateway/signatures/benign-set.jsonl` (the benign
 * set new signatures are checked against) from the synthetic prompt rows. Deterministic: same rows, same bytes.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { readSyntheticRows, resolveSyntheticDir } from "../../classifiers/data.ts";
import { BENIGN_SET_FILE, selectBenignSet, serializeBenignSet, type BenignCandidate } from "./benign-set.ts";

const { values } = parseArgs({ options: { synthetic: { type: "string" } } });
const rows = await readSyntheticRows(resolveSyntheticDir(values.synthetic), "prompt");
const prompts: BenignCandidate[] = rows.flatMap(({ row }) => ("text" in row ? [row] : []));
const texts = selectBenignSet(prompts);
await writeFile(BENIGN_SET_FILE, serializeBenignSet(texts));
process.stdout.write(
  `${texts.length} benign texts from ${rows.length} synthetic prompt rows -> ${BENIGN_SET_FILE}\n`,
);
