/**
 * Builds the ONNX graph of an embedding-bag model (opset 13) and reads the weights back from it.
 *
 * Inputs `ids_<b>` (int32 `[n_b]`, feature ids of bag b, never empty: the featurizer always emits an
 * end-of-bag id). Output `scores` (float `[1, labels]`, sigmoid probabilities).
 * Graph: per bag Gather(emb) -> ReduceMean(axis 0) ; Concat ; [Gemm(w1) -> Relu] ; Gemm(w2) -> Sigmoid.
 */
import type { ModelWeights } from "../model.ts";
import type { ScoreKey } from "../types.ts";
import { AttrType, DataType, decodeModel, encodeModel } from "./proto.ts";
import type { ModelMsg, NodeMsg, TensorMsg, ValueInfoMsg } from "./proto.ts";

/** Little-endian bytes of a float32 array. */
export function floatBytes(a: Float32Array): Uint8Array {
  const out = new Uint8Array(a.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i] ?? 0, true);
  return out;
}

/** A float32 initializer. */
export function floatTensor(name: string, dims: number[], data: Float32Array): TensorMsg {
  return { name, dims, dataType: DataType.FLOAT, rawData: floatBytes(data) };
}

/** A value-info entry; string dims are symbolic. */
export function valueInfo(name: string, elemType: number, dims: (number | string)[]): ValueInfoMsg {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** A node. */
export function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: NodeMsg["attribute"] = [],
): NodeMsg {
  return { name: `${opType}_${output[0] ?? ""}`, opType, input, output, attribute };
}

/** Wraps a graph into a model with opset 13. */
export function wrapModel(graph: ModelMsg["graph"], metadata: Record<string, string> = {}): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    producerName: "portcullis",
    producerVersion: "1",
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
}

/** Serializes the model weights to ONNX bytes. */
export function exportOnnx(w: ModelWeights, metadata: Record<string, string> = {}): Uint8Array {
  const nodes: NodeMsg[] = [];
  const pooled: string[] = [];
  const inputs: ValueInfoMsg[] = [];
  for (let b = 0; b < w.bags; b++) {
    inputs.push(valueInfo(`ids_${b}`, DataType.INT32, [`n_${b}`]));
    nodes.push(node("Gather", ["emb", `ids_${b}`], [`g_${b}`], [{ name: "axis", type: AttrType.INT, i: 0 }]));
    nodes.push(
      node(
        "ReduceMean",
        [`g_${b}`],
        [`p_${b}`],
        [
          { name: "axes", type: AttrType.INTS, ints: [0] },
          { name: "keepdims", type: AttrType.INT, i: 1 },
        ],
      ),
    );
    pooled.push(`p_${b}`);
  }
  nodes.push(node("Concat", pooled, ["x"], [{ name: "axis", type: AttrType.INT, i: 1 }]));
  const inW = w.bags * w.dim;
  const init: TensorMsg[] = [floatTensor("emb", [w.buckets, w.dim], w.emb)];
  let headIn = "x";
  let headW = inW;
  if (w.hidden > 0) {
    init.push(floatTensor("w1", [w.hidden, inW], w.w1), floatTensor("b1", [w.hidden], w.b1));
    nodes.push(node("Gemm", ["x", "w1", "b1"], ["hpre"], [{ name: "transB", type: AttrType.INT, i: 1 }]));
    nodes.push(node("Relu", ["hpre"], ["h"]));
    headIn = "h";
    headW = w.hidden;
  }
  const K = w.labels.length;
  init.push(floatTensor("w2", [K, headW], w.w2), floatTensor("b2", [K], w.b2));
  nodes.push(node("Gemm", [headIn, "w2", "b2"], ["z"], [{ name: "transB", type: AttrType.INT, i: 1 }]));
  nodes.push(node("Sigmoid", ["z"], ["scores"]));
  return wrapModel(
    {
      name: "portcullis_embedding_bag",
      node: nodes,
      initializer: init,
      input: inputs,
      output: [valueInfo("scores", DataType.FLOAT, [1, K])],
    },
    { labels: w.labels.join(","), ...metadata },
  );
}

function tensorFloats(t: TensorMsg): Float32Array {
  const raw = t.rawData ?? new Uint8Array(0);
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  const view = new DataView(copy.buffer);
  const out = new Float32Array(raw.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Reads the weights back from ONNX bytes written by `exportOnnx` (the serving-side reference path). */
export function importOnnxWeights(bytes: Uint8Array, labels: readonly ScoreKey[]): ModelWeights {
  const model = decodeModel(bytes);
  const byName = new Map(model.graph.initializer.map((t) => [t.name, t]));
  const get = (name: string): TensorMsg => {
    const t = byName.get(name);
    if (!t) throw new Error(`model.onnx has no initializer ${name}`);
    return t;
  };
  const emb = get("emb");
  const [buckets = 0, dim = 0] = emb.dims.map(Number);
  const w2 = get("w2");
  const hasHidden = byName.has("w1");
  const w1 = hasHidden ? tensorFloats(get("w1")) : new Float32Array(0);
  const hidden = hasHidden ? Number(get("w1").dims[0]) : 0;
  const bags = model.graph.input.length;
  if (Number(w2.dims[0]) !== labels.length) throw new Error("model.onnx label count differs from manifest");
  return {
    labels: [...labels],
    buckets,
    dim,
    bags,
    hidden,
    emb: tensorFloats(emb),
    w1,
    b1: hasHidden ? tensorFloats(get("b1")) : new Float32Array(0),
    w2: tensorFloats(w2),
    b2: tensorFloats(get("b2")),
  };
}
