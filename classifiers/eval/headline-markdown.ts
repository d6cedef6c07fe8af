/** Markdown for the headline (out-of-distribution) figures and the leave-one-out runs. */
import type { ActionRates, GroupFigures, HeadlineReport } from "./headline.ts";
import type { HoldoutFigures } from "./loso.ts";
import type { PaddedFigures } from "./padded-figures.ts";

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? "-" : `${(x * 100).toFixed(1)}%`;

/** A Markdown table (shared with `markdown.ts`). */
export function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

const rateRow = (name: string, a: ActionRates): string[] => [
  name,
  String(a.rows),
  pct(a.flagOrBlock),
  pct(a.blocked),
];
const groupRow = (name: string, g: GroupFigures): string[] => [
  ...rateRow(name, g),
  pct(g.recallAt1pctRealisticFpr),
];
const RATE_HEAD = ["rows", "asl3 flag or block", "asl3 block"];

/** The headline of a stage with the padded-request probe (`padding.ts`; absent in reports before it). */
export type HeadlineWithProbe = HeadlineReport & { padded?: PaddedFigures };

/** One stage's headline section. */
export function headlineMd(h: HeadlineWithProbe): string {
  const parts: string[] = [`### ${h.stage}: out-of-distribution (asl3 action, model alone)`];
  parts.push(
    `Realistic benign traffic (report half; the calibration half set the thresholds): **${pct(h.realisticBenign.flagOrBlock)} flagged or blocked, ${pct(h.realisticBenign.blocked)} blocked** of ${h.realisticBenign.rows} rows.`,
    table(
      ["source", ...RATE_HEAD],
      Object.entries(h.realisticBenign.bySource).map(([k, v]) => rateRow(k, v)),
    ),
  );
  if (h.harmfulOod) {
    parts.push(
      `Harmful requests from eval-only sources (never trained on): recall of \`harmful\` at 1% FPR on realistic benign traffic **${pct(h.harmfulOod.recallAt1pctRealisticFpr)}**, asl3 flag or block ${pct(h.harmfulOod.flagOrBlock)}.`,
      table(
        ["source", ...RATE_HEAD, "recall @1% realistic FPR"],
        [
          ...Object.entries(h.harmfulOod.bySource).map(([k, v]) => groupRow(k, v)),
          ...(h.cbrnOod ? [groupRow("(rows labelled cbrn)", h.cbrnOod)] : []),
        ],
      ),
    );
  }
  if (h.attackOod) {
    parts.push(
      `Jailbreaks and injections from eval-only sources: recall of \`attack\` at 1% realistic FPR **${pct(h.attackOod.recallAt1pctRealisticFpr)}**.`,
      table(
        ["source", ...RATE_HEAD, "recall @1% realistic FPR"],
        Object.entries(h.attackOod.bySource).map(([k, v]) => groupRow(k, v)),
      ),
    );
  }
  if (h.lookalikes) {
    parts.push(
      `Benign look-alikes (sensitive wording; permissive sources: val rows only): ${pct(h.lookalikes.flagOrBlock)} flagged or blocked, ${pct(h.lookalikes.blocked)} blocked.`,
      table(
        ["source", ...RATE_HEAD],
        Object.entries(h.lookalikes.bySource).map(([k, v]) => rateRow(k, v)),
      ),
    );
  }
  if (h.agreement) {
    parts.push(
      "Agreement of the asl3 action (flag or block = complied) with human labels of compliance (non-weak rows; permissive sources: val rows):",
      table(
        ["source", "rows", "agreement"],
        Object.entries(h.agreement).map(([k, v]) => [k, String(v.rows), pct(v.accuracy)]),
      ),
    );
  }
  if (h.conversationAuroc) {
    parts.push(
      "AUROC of `harmful` on conversations the model never trained on:",
      table(
        ["set", "rows", "harmful", "AUROC"],
        Object.entries(h.conversationAuroc).map(([k, v]) => [
          k,
          String(v.rows),
          String(v.harmful),
          v.auroc === null ? "-" : v.auroc.toFixed(3),
        ]),
      ),
    );
  }
  if (h.padded) parts.push(paddedMd(h.padded));
  return parts.join("\n\n");
}

const POSITION_NAMES: Record<string, string> = {
  alone: "alone (no padding)",
  start: "at the start",
  middle: "in the middle",
  end: "at the end",
  afterCap: "at the end, after the token cap",
};

/** The padded-request probe of one stage. */
function paddedMd(p: PaddedFigures): string {
  const both = (a: ActionRates | undefined) => (a ? `${pct(a.flagOrBlock)} / ${pct(a.blocked)}` : "-");
  const rows = Object.keys(POSITION_NAMES).map((pos) => {
    const k = pos as keyof PaddedFigures["harmful"];
    return [POSITION_NAMES[pos] ?? pos, both(p.harmful[k]), both(p.benign[k])];
  });
  const n = p.harmful.alone?.rows ?? 0;
  return [
    `Padded requests (${n} harmful and ${p.benign.alone?.rows ?? 0} benign requests, each alone and inside realistic benign text of the report half joined to ~${p.padTokens} tokens, or after ~${p.capTokens} tokens): asl3 flag or block / block.`,
    table(["request", "harmful", "benign (control)"], rows),
    `Long benign text alone: the padding (~${p.padTokens} tokens) ${both(p.padding.end)}, the long padding (~${p.capTokens} tokens) ${both(p.padding.afterCap)}; ` +
      `realistic benign traffic (report half) by length: ${Object.entries(p.realisticByLength)
        .map(([k, v]) => `${k} ${both(v)} of ${v.rows}`)
        .join(", ")}.`,
  ].join("\n\n");
}

/** The leave-one-out section. */
export function holdoutsMd(hs: readonly HoldoutFigures[], command: string): string {
  const parts = [
    "## Leave-one-source-out",
    `\`${command}\`: for each group the stage model is trained without the group's rows, calibrated the same way, and scored on the group. Synthetic rows are held out by generation batch.`,
    table(
      [
        "held-out group",
        "harmful rows",
        "asl3 flag or block",
        "asl3 block",
        "recall @1% realistic FPR",
        "attack rows: recall @1%",
        "benign rows",
        "benign flag or block",
        "realistic benign flag / block",
      ],
      hs.map((h) => [
        `${h.stage}: ${h.name}`,
        String(h.harmful.rows),
        pct(h.harmful.flagOrBlock),
        pct(h.harmful.blocked),
        pct(h.harmful.recallAt1pctRealisticFpr),
        h.attack ? `${pct(h.attack.recallAt1pctRealisticFpr)} of ${h.attack.rows}` : "-",
        String(h.benign.rows),
        pct(h.benign.flagOrBlock),
        `${pct(h.realisticBenign.flagOrBlock)} / ${pct(h.realisticBenign.blocked)}`,
      ]),
    ),
  ];
  for (const h of hs) {
    const cats = Object.entries(h.harmful.byCategory ?? {});
    const fams = Object.entries(h.harmful.byClauseFamily ?? {});
    const benFams = Object.entries(h.benign.byClauseFamily ?? {});
    if (fams.length > 0 || benFams.length > 0) {
      parts.push(
        `### ${h.stage}, ${h.name}: by constitution clause family`,
        table(
          ["clause family", "harmful rows", "asl3 flag or block", "asl3 block", "recall @1% realistic FPR"],
          fams.map(([k, v]) => groupRow(k, v)),
        ),
        table(
          ["clause family (permitted)", "benign rows", "asl3 flag or block", "asl3 block"],
          benFams.map(([k, v]) => rateRow(k, v)),
        ),
      );
    }
    if (cats.length > 0) {
      parts.push(
        `### ${h.stage}, ${h.name}: by category`,
        table(
          ["category", ...RATE_HEAD, "recall @1% realistic FPR"],
          cats.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => groupRow(k, v)),
        ),
      );
    }
  }
  return parts.join("\n\n");
}
