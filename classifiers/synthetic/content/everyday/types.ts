/** One half (batch) of a traffic family: full hand-written prompts plus slot templates. */
export interface Half {
  readonly lines: readonly string[];
  readonly templates: readonly string[];
  readonly slots: Readonly<Record<string, readonly string[]>>;
}

/** A traffic family of the `everyday` group, one constitution clause, split into two disjoint halves. */
export interface Family {
  readonly clause: string;
  readonly a: Half;
  readonly b: Half;
}
