// Worker thread of the transformer classifier pool (plain ESM JavaScript so it runs under any loader:
// tsx, vitest, or plain node). Creates the tokenizer and the onnxruntime session once, warms them, then
// answers { id, text, pair } with { id, logits, runMs } or { id, error }.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { Tokenizer } from "@huggingface/tokenizers";
import ort from "onnxruntime-node";

const { dir, maxTokens } = workerData;

async function init() {
  const tokenizerJson = JSON.parse(await readFile(join(dir, "tokenizer.json"), "utf8"));
  let tokenizerConfig = {};
  try {
    tokenizerConfig = JSON.parse(await readFile(join(dir, "tokenizer_config.json"), "utf8"));
  } catch (e) {
    if (e && e.code !== "ENOENT") throw e;
  }
  const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  const session = await ort.InferenceSession.create(join(dir, "model.onnx"), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  return { tokenizer, session };
}

/** Head truncation that keeps the final special token (e.g. [SEP] / </s>). */
function truncate(ids, specialLast) {
  if (ids.length <= maxTokens) return ids;
  return specialLast ? [...ids.slice(0, maxTokens - 1), ids[ids.length - 1]] : ids.slice(0, maxTokens);
}

async function run(state, text, pair) {
  const enc = state.tokenizer.encode(text, pair ? { text_pair: pair } : {});
  const raw = enc.ids;
  const last = raw[raw.length - 1];
  const specialLast = last !== undefined && state.tokenizer.get_added_tokens_decoder().has(last);
  const ids = truncate(raw, specialLast);
  const n = ids.length;
  const feeds = {};
  const names = state.session.inputNames;
  const i64 = (arr) =>
    new ort.Tensor(
      "int64",
      BigInt64Array.from(arr, (v) => BigInt(v)),
      [1, n],
    );
  if (names.includes("input_ids")) feeds.input_ids = i64(ids);
  if (names.includes("attention_mask")) feeds.attention_mask = i64(new Array(n).fill(1));
  if (names.includes("token_type_ids")) feeds.token_type_ids = i64(new Array(n).fill(0));
  const out = await state.session.run(feeds);
  const logits = out.logits ?? out[state.session.outputNames[0]];
  return { logits: Array.from(logits.data, Number), tokens: n, truncated: raw.length > n };
}

const statePromise = init();
statePromise.then(
  async (state) => {
    await run(state, "warm up", null);
    parentPort.postMessage({ ready: true });
    parentPort.on("message", (msg) => {
      const started = performance.now();
      run(state, msg.text, msg.pair).then(
        (r) => parentPort.postMessage({ id: msg.id, ...r, runMs: performance.now() - started }),
        (e) => parentPort.postMessage({ id: msg.id, error: String(e && e.message ? e.message : e) }),
      );
    });
  },
  (e) => parentPort.postMessage({ ready: false, error: String(e && e.message ? e.message : e) }),
);
