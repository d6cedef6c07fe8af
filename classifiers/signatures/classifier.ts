/**
 * The signatures classifier (kind `signatures`): scores `attack` 1 when the text is a near-duplicate of a live
 * jailbreak signature, 0 otherwise. It reads the current index on every call, so whoever owns the signature set
 * (the gateway's Redis sync) can swap the index without rebuilding the cascade.
 */
import { ok, type Classifier } from "../types.ts";
import type { SignatureIndex } from "./matcher.ts";

export interface SignatureClassifierOptions {
  /** Returns the index to match against (swapped when signatures change). */
  index: () => SignatureIndex;
  /** @defaultValue "signatures" */
  name?: string;
}

/** Creates the classifier. Matching is synchronous and cheap (see `matcher.ts`), so it runs inline. */
export function createSignatureClassifier({
  index,
  name = "signatures",
}: SignatureClassifierOptions): Classifier {
  return {
    name,
    kind: "signatures",
    classify(input) {
      const hit = index().match(input.text);
      return Promise.resolve(ok(hit ? { attack: 1 } : { attack: 0 }));
    },
  };
}
