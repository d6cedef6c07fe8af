/**
 * Synthetic rows for `violence.md` and `child_safety.md`: restricted attack planning, weapons, poisoning, torture,
 * kidnapping, terrorism, threats and child sexual exploitation requests, against permitted look-alikes that share
 * their words (homonyms, games, self-defence, hunting, history, news, fiction, first aid, parenting, safeguarding).
 * Batch a and b come from disjoint openers, suffixes, payloads and sentences.
 */
import type { Generator, Kit, SynthPrompt } from "../kit.ts";
import type { HarmCategory } from "../../types.ts";
import type { Halves } from "../content/violence-child/violence-harm.ts";
import { VIOLENCE_ASKS, VIOLENCE_FULL, VIOLENCE_WRITES } from "../content/violence-child/violence-harm.ts";
import { CHILD_ASKS, CHILD_FULL, CHILD_WRITES } from "../content/violence-child/child-harm.ts";
import { HOMONYM_ASKS, HOMONYM_FULL } from "../content/violence-child/homonyms.ts";
import {
  BENIGN_ASKS,
  BENIGN_FULL,
  BENIGN_WRITES,
  CHILD_BENIGN_ASKS,
} from "../content/violence-child/benign.ts";
import * as F from "../content/violence-child/frames.ts";
import { HOMONYM_FULL_2, SLANG_ASKS, SNEAKY_BENIGN } from "../content/violence-child/extra.ts";
import type { Scenario } from "../content/violence-child/scenarios.ts";
import { SCENARIOS_A, SCENARIOS_B } from "../content/violence-child/scenarios.ts";
import type { I18nRow } from "../content/violence-child/i18n.ts";
import { I18N_A, I18N_B } from "../content/violence-child/i18n.ts";

type Batch = "a" | "b";

interface Frames {
  readonly openers: readonly string[];
  readonly neutral: readonly string[];
  readonly harm: readonly string[];
  readonly benign: readonly string[];
  readonly prefix: readonly string[];
  readonly write: readonly string[];
  readonly writeTail: readonly string[];
  readonly childNeutral: readonly string[];
  readonly childHarm: readonly string[];
  readonly childBenign: readonly string[];
  readonly scenarios: readonly Scenario[];
  readonly i18n: readonly I18nRow[];
}

const FRAMES: Readonly<Record<Batch, Frames>> = {
  a: {
    openers: F.OPENERS_A,
    neutral: F.NEUTRAL_SUFFIX_A,
    harm: F.HARM_SUFFIX_A,
    benign: F.BENIGN_SUFFIX_A,
    prefix: F.PREFIX_A,
    write: F.WRITE_A,
    writeTail: F.WRITE_TAIL_A,
    childNeutral: F.CHILD_NEUTRAL_A,
    childHarm: F.CHILD_HARM_A,
    childBenign: F.CHILD_BENIGN_A,
    scenarios: SCENARIOS_A,
    i18n: I18N_A,
  },
  b: {
    openers: F.OPENERS_B,
    neutral: F.NEUTRAL_SUFFIX_B,
    harm: F.HARM_SUFFIX_B,
    benign: F.BENIGN_SUFFIX_B,
    prefix: F.PREFIX_B,
    write: F.WRITE_B,
    writeTail: F.WRITE_TAIL_B,
    childNeutral: F.CHILD_NEUTRAL_B,
    childHarm: F.CHILD_HARM_B,
    childBenign: F.CHILD_BENIGN_B,
    scenarios: SCENARIOS_B,
    i18n: I18N_B,
  },
};

const BATCHES: readonly Batch[] = ["a", "b"];

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** Category of a clause id ("violence.R3" -> violence). */
const categoryOf = (clause: string): HarmCategory =>
  clause.startsWith("child_safety") ? "child_safety" : "violence";

const isHarmful = (clause: string): boolean => /\.R\d+$/.test(clause);

function withPrefix(kit: Kit, fr: Frames, text: string, p: number): string {
  return kit.chance(p) ? kit.pick(fr.prefix) + lowerFirst(text) : text;
}

function row(clause: string, batch: Batch, text: string, lang = "en"): SynthPrompt {
  const harmful = isHarmful(clause);
  return {
    clause,
    batch,
    harmful,
    categories: harmful ? [categoryOf(clause)] : [],
    attack: null,
    text,
    ...(lang === "en" ? {} : { lang }),
  };
}

export default {
  group: "violence-child",
  generate(kit: Kit) {
    const prompts: SynthPrompt[] = [];
    const seen = new Set<string>();
    const push = (clause: string, batch: Batch, text: string, lang = "en"): boolean => {
      const t = text
        .replace(/\s+([?.!,])/g, "$1")
        .replace(/\?\?+/g, "?")
        .trim();
      const key = t.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      prompts.push(row(clause, batch, t, lang));
      return true;
    };

    /** Opener + infinitive payload + suffix rows. */
    const asks = (
      table: Readonly<Record<string, Halves>>,
      count: number | Readonly<Record<string, number>>,
    ): void => {
      for (const [clause, halves] of Object.entries(table)) {
        const perBatch = typeof count === "number" ? count : (count[clause] ?? 0);
        const child = categoryOf(clause) === "child_safety";
        for (const batch of BATCHES) {
          const fr = FRAMES[batch];
          const items = halves[batch];
          const harmful = isHarmful(clause);
          const neutral = child ? fr.childNeutral : fr.neutral;
          const special = child ? (harmful ? fr.childHarm : fr.childBenign) : harmful ? fr.harm : fr.benign;
          let made = 0;
          for (let tries = 0; made < perBatch && tries < perBatch * 6; tries++) {
            const suffix = kit.chance(0.7) ? kit.pick(neutral) : kit.pick(special);
            const base = `${kit.pick(fr.openers)} ${kit.pick(items)}${suffix}`;
            if (push(clause, batch, kit.vary(withPrefix(kit, fr, base, 0.2), 0.3))) made++;
          }
        }
      }
    };

    /** Write-opener + noun phrase + tail rows. */
    const writes = (table: Readonly<Record<string, Halves>>, perBatch: number): void => {
      for (const [clause, halves] of Object.entries(table)) {
        for (const batch of BATCHES) {
          const fr = FRAMES[batch];
          let made = 0;
          for (let tries = 0; made < perBatch && tries < perBatch * 6; tries++) {
            const base = `${kit.pick(fr.write)} ${kit.pick(halves[batch])}${kit.pick(fr.writeTail)}`;
            if (push(clause, batch, kit.vary(withPrefix(kit, fr, base, 0.15), 0.3))) made++;
          }
        }
      }
    };

    /** Hand-written full rows, each once plus a prefixed variant now and then. */
    const full = (table: Readonly<Record<string, Halves>>): void => {
      for (const [clause, halves] of Object.entries(table)) {
        for (const batch of BATCHES) {
          const fr = FRAMES[batch];
          for (const text of halves[batch]) {
            push(clause, batch, kit.vary(text, 0.25));
            if (kit.chance(0.5)) push(clause, batch, kit.vary(withPrefix(kit, fr, text, 1), 0.3));
          }
        }
      }
    };

    /** Shared backstory + harmful or benign follow-up. */
    const scenarios = (): void => {
      for (const batch of BATCHES) {
        const fr = FRAMES[batch];
        for (const sc of fr.scenarios) {
          for (const q of sc.harm) {
            push(sc.harmClause, batch, kit.vary(`${sc.story} ${q}`, 0.3));
            push(sc.harmClause, batch, kit.vary(withPrefix(kit, fr, `${sc.story} ${q}`, 1), 0.3));
          }
          for (const q of sc.ok) {
            push(sc.okClause, batch, kit.vary(`${sc.story} ${q}`, 0.3));
            push(sc.okClause, batch, kit.vary(withPrefix(kit, fr, `${sc.story} ${q}`, 1), 0.3));
          }
        }
        for (const [clause, lang, text] of fr.i18n) push(clause, batch, text, lang);
      }
    };

    scenarios();
    // Restricted: violence.
    asks(VIOLENCE_ASKS, 115);
    writes(VIOLENCE_WRITES, 45);
    full(VIOLENCE_FULL);
    // Restricted: child safety.
    asks(CHILD_ASKS, 95);
    writes(CHILD_WRITES, 110);
    full(CHILD_FULL);
    // Permitted: homonyms, games.
    asks(HOMONYM_ASKS, { "violence.P1": 330, "violence.P2": 360, "violence.P3": 170 });
    full({ "violence.P2": HOMONYM_FULL });
    full({ "violence.P1": HOMONYM_FULL_2 });
    full({ "violence.P2": SNEAKY_BENIGN });
    asks(SLANG_ASKS, 60);
    // Permitted: other look-alikes.
    asks(BENIGN_ASKS, 85);
    asks(CHILD_BENIGN_ASKS, 70);
    writes(BENIGN_WRITES, 45);
    full(BENIGN_FULL);

    return { prompts };
  },
} satisfies Generator;
