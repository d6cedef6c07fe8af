/**
 * `instructions`: terse imperative task prompts in the style of instruction-tuning datasets and API traffic ("Develop
 * a strategy for ...", "Outline a plan to ...", "Describe ...", "Classify these ..."), plus protective and curious
 * questions that carry harm words with benign intent (constitution `instructions.md`, P1..P13). Every row is benign:
 * the harmful pools are imperative too, so the openers must not decide the label.
 */
import type { Generator, Kit, SynthPrompt } from "../kit.ts";
import type { Pool, TaskHalf } from "../content/instructions/types.ts";
import type { QuestionSet } from "../content/instructions/questions-a.ts";
import { TASKS_A } from "../content/instructions/tasks-a.ts";
import { TASKS_B } from "../content/instructions/tasks-b.ts";
import { QUESTIONS_A } from "../content/instructions/questions-a.ts";
import { QUESTIONS_B } from "../content/instructions/questions-b.ts";
import { builtTasks } from "../content/instructions/builders.ts";

/** Most rows one template may contribute (about 1% of the group). */
const CAP = 110;

type Batch = "a" | "b";

/** Clause of each topic pool. */
const POOL_CLAUSE: Readonly<Record<Pool, string>> = {
  goals: "instructions.P1",
  problems: "instructions.P1",
  subjects: "instructions.P2",
  artifacts: "instructions.P3",
  nameables: "instructions.P3",
  positions: "instructions.P4",
  pairs: "instructions.P4",
  experiments: "instructions.P5",
  howtos: "instructions.P14",
};

/** Words that collide with harm vocabulary; a benign task that uses one exercises P8. */
const HARM_WORDS =
  /\b(virus|viruses|attack\w*|target\w*|hazard\w*|spread\w*|outbreak|infect\w*|malware|ransomware|breach|phishing|chemical|toxic|poison\w*|pollut\w*|radioactive|nuclear|disease|pandemic|weapon\w*|explos\w*|bomb|kill\w*|pathogen\w*|hack\w*)\b/i;

function row(clause: string, batch: Batch, text: string): SynthPrompt {
  return { text, clause, batch, harmful: false, categories: [], attack: null };
}

function taskClause(pool: Pool | null, text: string): string {
  if (HARM_WORDS.test(text)) return "instructions.P8";
  return pool === null ? "instructions.P6" : POOL_CLAUSE[pool];
}

function taskRows(kit: Kit, batch: Batch, half: TaskHalf): SynthPrompt[] {
  const rows: SynthPrompt[] = [];
  for (const pool of Object.keys(half.templates) as Pool[]) {
    const items = half[pool];
    for (const template of half.templates[pool]) {
      for (const x of kit.shuffled(items).slice(0, CAP)) {
        let text = template.replace("{x}", x);
        if (kit.chance(0.3)) text += kit.pick(half.tails);
        rows.push(row(taskClause(pool, text), batch, kit.vary(text, 0.3)));
      }
    }
  }
  for (const line of half.lines) rows.push(row(taskClause(null, line), batch, kit.vary(line, 0.25)));
  return rows;
}

function questionRows(kit: Kit, batch: Batch, sets: readonly QuestionSet[]): SynthPrompt[] {
  const rows: SynthPrompt[] = [];
  for (const set of sets) {
    for (const line of set.lines) rows.push(row(set.clause, batch, kit.vary(line, 0.2)));
    for (const template of set.templates) {
      const out = new Set<string>();
      for (let i = 0; i < CAP * 4 && out.size < CAP; i++) out.add(kit.fill(template, set.slots));
      for (const text of out) rows.push(row(set.clause, batch, kit.vary(text, 0.3)));
    }
  }
  return rows;
}

const instructions: Generator = {
  group: "instructions",
  generate(kit) {
    const prompts: SynthPrompt[] = [
      ...taskRows(kit, "a", TASKS_A),
      ...taskRows(kit, "b", TASKS_B),
      ...questionRows(kit, "a", QUESTIONS_A),
      ...questionRows(kit, "b", QUESTIONS_B),
    ];
    for (const t of builtTasks(kit))
      prompts.push(
        row(HARM_WORDS.test(t.text) ? "instructions.P8" : t.clause, t.batch, kit.vary(t.text, 0.2)),
      );
    return { prompts: kit.shuffled(prompts) };
  },
};

export default instructions;
