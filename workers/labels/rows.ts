/**
 * Reviewed incidents as rows of the shared data schema (`../shared/data/DATA.md`), for retraining. Pure.
 *
 * - `prompts`: the newest user turn, when the prompt stage fired (or the conversation has one user turn and no
 *   completion was screened): a later turn of a multi-turn attack may mean nothing on its own.
 * - `completions`: the completion excerpt, when the completion stage fired; `harmful` is about the completion.
 * - `conversations`: every user/assistant/system turn, when there is more than one non-system turn.
 *
 * Reviewer labels are not weak; the rows are internal data (`permissive: false`, so the shipped default model never
 * trains on them) and all go to `train` (the shared data's `val` split stays the yardstick).
 */
import { HARM_CATEGORIES } from "../../classifiers/types.ts";
import type { StoredIncident } from "../../contracts/incident.ts";

/** The `source` of exported rows (ids are `portcullis_review:<incident id>`). */
export const LABEL_SOURCE = "portcullis_review";

const HARM: ReadonlySet<string> = new Set(HARM_CATEGORIES);
const COMMON = { source: LABEL_SOURCE, license: "internal", permissive: false, weak: false, split: "train" };
const ROLES: ReadonlySet<string> = new Set(["user", "assistant", "system"]);

export interface LabelledIncident {
  readonly incident: StoredIncident;
  readonly decision: "violation" | "benign";
  /** The reviewer's category: a harm category, `jailbreak`, `injection`, or empty. */
  readonly category: string;
}

export interface LabelRows {
  prompts: Record<string, unknown>[];
  completions: Record<string, unknown>[];
  conversations: Record<string, unknown>[];
}

const fired = (i: StoredIncident, stage: string) =>
  i.stages.some((s) => s.stage === stage && s.action !== "allow");

/** The rows one reviewed incident contributes, by file, fields in DATA.md order. */
export function labelRows(l: LabelledIncident): LabelRows {
  const i = l.incident;
  const harmful = l.decision === "violation";
  const categories = harmful && HARM.has(l.category) ? [l.category] : [];
  const attack = harmful && (l.category === "jailbreak" || l.category === "injection") ? l.category : null;
  const id = `${LABEL_SOURCE}:${i.id}`;
  const users = i.conversation.filter((t) => t.role === "user");
  const lastUser = users.at(-1)?.text;
  const out: LabelRows = { prompts: [], completions: [], conversations: [] };
  const completionFired = fired(i, "completion") && i.completion !== undefined;
  const singleTurn = users.length === 1 && !completionFired;
  if (lastUser !== undefined && (fired(i, "prompt") || singleTurn)) {
    out.prompts.push({ id, text: lastUser, harmful, categories, attack, ...COMMON });
  }
  if (completionFired && i.completion) {
    const completion = i.completion.excerpt;
    out.completions.push({ id, prompt: lastUser ?? "", completion, harmful, categories, ...COMMON });
  }
  const messages = i.conversation
    .filter((t) => ROLES.has(t.role))
    .map((t) => ({ role: t.role, content: t.text }));
  if (messages.filter((m) => m.role !== "system").length > 1) {
    out.conversations.push({ id, messages, harmful, categories, attack, ...COMMON });
  }
  return out;
}
