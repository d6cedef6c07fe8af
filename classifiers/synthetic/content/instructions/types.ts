/** One half (batch) of the `instructions` group: topic pools and the imperative templates that use them. */
export interface TaskHalf {
  /** Gerund goals: "launching a podcast". */
  readonly goals: readonly string[];
  /** Noun-phrase subjects: "the water cycle". */
  readonly subjects: readonly string[];
  /** Problems to solve: "traffic congestion in small towns". */
  readonly problems: readonly string[];
  /** Positions to argue: "a four-day work week". */
  readonly positions: readonly string[];
  /** Things that need names: "a bakery". */
  readonly nameables: readonly string[];
  /** Hypotheses to test: "whether music helps plants grow". */
  readonly experiments: readonly string[];
  /** Artifacts to create: "a workout plan for beginners". */
  readonly artifacts: readonly string[];
  /** How-to phrases for tutorials: "how to bake sourdough bread". */
  readonly howtos: readonly string[];
  /** Pairs to compare: "X and Y". */
  readonly pairs: readonly string[];
  /** Audience / length / format tails appended to some rows. */
  readonly tails: readonly string[];
  /** Templates keyed by pool name; `{x}` is the pool item. */
  readonly templates: Readonly<Record<Pool, readonly string[]>>;
  /** Full hand-written tasks (with pasted inputs). */
  readonly lines: readonly string[];
}

export type Pool =
  | "goals"
  | "subjects"
  | "problems"
  | "positions"
  | "nameables"
  | "experiments"
  | "artifacts"
  | "pairs"
  | "howtos";
