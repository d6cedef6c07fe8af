/** Renders the eval report (JSON shape from `cli/eval.ts`) as Markdown. */
import type { SubsetReport } from "./evaluate.ts";
import { headlineMd, holdoutsMd, table } from "./headline-markdown.ts";
import type { HeadlineWithProbe } from "./headline-markdown.ts";
import type { HoldoutFigures } from "./loso.ts";
import type { SanityReport } from "./sanity.ts";
import type { StreamingFigure } from "./streaming.ts";

/** The report of one stage. */
export interface StageReport {
  readonly stage: string;
  readonly model: string;
  readonly thresholds: Record<string, { flag: number; block: number }>;
  /** Out-of-distribution figures with the asl3 action (the headline). */
  readonly headline: HeadlineWithProbe;
  readonly subsets: Record<string, SubsetReport>;
  readonly streaming?: Record<string, StreamingFigure>;
  /** The everyday sanity set (prompt stage; hand-written, never trained on). */
  readonly sanity?: SanityReport;
}

/** Whole report. */
export interface EvalReport {
  readonly dataDir: string;
  readonly split: "val";
  readonly stages: StageReport[];
  /** The latest leave-one-source-out run (`npm run eval -- --holdouts`). */
  readonly holdouts?: { command: string; figures: HoldoutFigures[] };
}

const f = (x: number | null | undefined, pct = true): string =>
  x === null || x === undefined ? "-" : pct ? `${(x * 100).toFixed(1)}%` : x.toFixed(3);

function subsetMd(name: string, s: SubsetReport): string {
  const h = s.harmfulHead;
  const parts = [
    `#### ${name}: ${s.rows} rows (${s.harmful} harmful, ${s.benign} benign)`,
    table(
      [
        "head",
        "AUROC",
        "AUPRC",
        "recall @1% FPR",
        "recall @flag",
        "FPR @flag",
        "recall @block",
        "FPR @block",
      ],
      [
        [
          "harmful",
          f(h["auroc"], false),
          f(h["auprc"], false),
          f(h["recallAt1pctFpr"]),
          f(h["recallAtFlag"]),
          f(h["fprAtFlag"]),
          f(h["recallAtBlock"]),
          f(h["fprAtBlock"]),
        ],
        ...(s.attack
          ? [
              [
                "attack (" + String(s.attack["positives"]) + " pos)",
                f(s.attack["auroc"], false),
                f(s.attack["auprc"], false),
                f(s.attack["recallAt1pctFpr"]),
                f(s.attack["recallAtFlag"]),
                f(s.attack["fprAtFlag"]),
                f(s.attack["recallAtBlock"]),
                f(s.attack["fprAtBlock"]),
              ],
            ]
          : []),
        [
          "action (any key)",
          "",
          "",
          "",
          f(s.action["recallAtFlag"]),
          f(s.action["fprAtFlag"]),
          f(s.action["recallAtBlock"]),
          f(s.action["fprAtBlock"]),
        ],
      ],
    ),
    `Over-refusal on benign look-alike sources (${s.overRefusal.rows} rows): flagged ${f(s.overRefusal.flagRate)}, blocked ${f(s.overRefusal.blockRate)}.` +
      (s.everyday
        ? ` Over-refusal on benign everyday-instruction sources (${s.everyday.rows} rows): flagged ${f(s.everyday.flagRate)}, blocked ${f(s.everyday.blockRate)}.`
        : ""),
  ];
  if (s.completion) {
    parts.push(
      `Human-labelled completions (${String(s.completion["humanLabelledRows"])}): accuracy at calibrated flag ${f(s.completion["accuracyAtFlag"])}, at harmful >= 0.5 ${f(s.completion["accuracyAtHarmful05"])}.`,
    );
  }
  parts.push(
    "Per category (positives = rows labelled with the category, negatives = benign rows; keyword-derived labels, approximate):",
    table(
      ["category", "pos", "AUROC", "recall @1% FPR", "recall @flag", "FPR @flag"],
      Object.entries(s.categories).map(([c, v]) => [
        c,
        String(v["positives"]),
        f(v["auroc"], false),
        f(v["recallAt1pctFpr"]),
        f(v["recallAtFlag"]),
        f(v["fprAtFlag"]),
      ]),
    ),
    "Per source (action = any key at its threshold):",
    table(
      ["source", "rows", "harmful", "flagged", "blocked", "mean p(harmful)"],
      Object.entries(s.bySource).map(([src, v]) => [
        src,
        String(v.rows),
        String(v.harmful),
        f(v.flagRate),
        f(v.blockRate),
        f(v.meanHarmful, false),
      ]),
    ),
  );
  return parts.join("\n\n");
}

function sanityMd(s: SanityReport): string {
  const list = (xs: readonly string[]) => (xs.length ? xs.map((x) => `"${x}"`).join("; ") : "none");
  return [
    "#### everyday sanity set",
    "Hand-written everyday chat prompts and clear misuse requests (`test/fixtures/classifiers/everyday-prompts.json`, " +
      "never trained on or tuned to; gated by `test/classifiers/models.test.ts`: benign flagged <= 5%, blocked 0, harmful flagged >= 80%).",
    table(
      ["set", "prompts", "flagged", "blocked"],
      [
        ["benign everyday", String(s.benign), f(s.benignFlagRate), f(s.benignBlockRate)],
        ["harmful", String(s.harmful), f(s.harmfulFlagRate), f(s.harmfulBlockRate)],
      ],
    ),
    `Benign prompts flagged: ${list(s.falseFlags)}. Harmful prompts allowed: ${list(s.misses)}.`,
  ].join("\n\n");
}

/** Markdown for the whole report. */
export function renderMarkdown(r: EvalReport): string {
  const out = [
    "# Portcullis classifier eval report",
    "Generated by `npm run eval`. **Headline figures are out-of-distribution**: realistic benign traffic the models " +
      "never trained on (report half; the other half set the thresholds), eval-only harmful and attack sources, " +
      "look-alikes, and leave-one-source-out runs. The `val` sections after them are **in-distribution** (a random " +
      "split of the training sources) and flatter the models.",
    "## Headline: out-of-distribution",
    ...r.stages.map((s) => headlineMd(s.headline)),
    ...(r.holdouts ? [holdoutsMd(r.holdouts.figures, r.holdouts.command)] : []),
    `## In-distribution: the \`val\` split of \`${r.dataDir}\``,
    "`permissive` = rows the shipped models could have trained on (their val part); `all` adds non-permissive " +
      "sources (eval only). Action = any key at its threshold (not the asl3 mapping).",
  ];
  for (const s of r.stages) {
    out.push(`### ${s.stage} (\`${s.model}\`)`);
    out.push(
      table(
        ["key", "flag", "block"],
        Object.entries(s.thresholds).map(([k, t]) => [k, t.flag.toFixed(4), t.block.toFixed(4)]),
      ),
    );
    for (const [name, sub] of Object.entries(s.subsets)) out.push(subsetMd(name, sub));
    if (s.sanity) out.push(sanityMd(s.sanity));
    for (const [name, st] of Object.entries(s.streaming ?? {})) {
      out.push(
        `Streaming (${name}, ${st.chunkChars}-char deltas, ${st.harmfulCompletions} harmful completions): flagged by the end ${f(st.flaggedByEnd)}; ` +
          `share of characters seen before the flag: mean ${f(st.meanShareSeen)}, median ${f(st.medianShareSeen)}.`,
      );
    }
  }
  return `${out.join("\n\n")}\n`;
}
