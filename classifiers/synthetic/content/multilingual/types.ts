/**
 * Shape of one language pack of the `multilingual` generator. Items are `"kind|text"`: the kind (see the table in
 * `generators/multilingual.ts`) names the clause, the text is a payload that fills the `{x}` slot of every frame of
 * the same half. Frames are shared by harmful and benign payloads, so an opener is never a label shortcut. `full`
 * rows are hand-written whole prompts (`"kind|text"`). Halves `a` and `b` share no frame, payload or sentence.
 */
export interface Half {
  readonly frames: readonly string[];
  readonly items: readonly string[];
  readonly full: readonly string[];
}

export interface Pack {
  /** ISO 639-1 code of the text. */
  readonly lang: string;
  /** Latin or Cyrillic script: surface variation (lower-casing, typos) applies. */
  readonly cased: boolean;
  readonly a: Half;
  readonly b: Half;
}
