/** One half (batch) of a cbrn clause family; halves of a family share no hand-written component. */
export interface Half {
  /** Full hand-written prompts, used as written (plus light surface variation). */
  readonly lines: readonly string[];
  /** Verb phrases that follow a shared how-to opener ("How do I {vp}?"); may hold `{slot}` placeholders. */
  readonly vps: readonly string[];
  /** Noun phrases that follow a shared ask opener ("Explain {np}."); may hold `{slot}` placeholders. */
  readonly nps: readonly string[];
  /** Family-specific templates with `{slot}` placeholders. */
  readonly templates: readonly string[];
  /** Family-specific slot values (merged over the shared lexicon of the half). */
  readonly slots: Readonly<Record<string, readonly string[]>>;
}

/** A cbrn constitution clause and its two disjoint halves. */
export interface Family {
  readonly clause: string;
  readonly harmful: boolean;
  /** Attack-planning rows also carry the `violence` category. */
  readonly violence?: boolean;
  readonly a: Half;
  readonly b: Half;
}

/** Components shared by every family of one half (batch). */
export interface Shared {
  /** How-to openers with a `{vp}` slot. */
  readonly howTo: readonly string[];
  /** Ask openers with an `{np}` slot. */
  readonly ask: readonly string[];
  /** Optional lead-ins put before a row (personas, context); harmful and benign rows both use them. */
  readonly prefixes: readonly string[];
  /** Optional tails put after a row. */
  readonly suffixes: readonly string[];
  /** Shared lexicon: agent names, red-team modifiers and so on. */
  readonly slots: Readonly<Record<string, readonly string[]>>;
}

/** Builds a half; omitted parts are empty. */
export const half = (h: Partial<Half>): Half => ({
  lines: h.lines ?? [],
  vps: h.vps ?? [],
  nps: h.nps ?? [],
  templates: h.templates ?? [],
  slots: h.slots ?? {},
});
