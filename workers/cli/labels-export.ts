/**
 * `npm run labels:export -- --out <dir> [--since <ISO time>]`: writes reviewed incidents (violation or benign) as
 * JSONL rows in the shared data schema (`../shared/data/DATA.md`) for retraining: `prompts.jsonl` (the newest
 * user turn), `completions.jsonl` (when a completion was screened) and `conversations.jsonl` (multi-turn).
 * Reviewer labels are not weak; the rows are internal data (`permissive: false`) and go to the `train` split.
 *
 * Uses REDIS_URL and PORTCULLIS_REDIS_PREFIX.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { HARM_CATEGORIES } from "../../classifiers/types.ts";
import { storedIncidentSchema, type StoredIncident } from "../../contracts/incident.ts";
import { redisKeys } from "../../contracts/redis-keys.ts";

const HARM: ReadonlySet<string> = new Set(HARM_CATEGORIES);
const COMMON = {
  source: "portcullis_review",
  license: "internal",
  permissive: false,
  weak: false,
  split: "train",
};

interface Labelled {
  incident: StoredIncident;
  decision: "violation" | "benign";
  category: string;
}

/** The rows one reviewed incident contributes, by file. */
function labelRows(l: Labelled): { prompts: object[]; completions: object[]; conversations: object[] } {
  const i = l.incident;
  const harmful = l.decision === "violation";
  const categories = harmful && HARM.has(l.category) ? [l.category] : [];
  const attack = harmful && (l.category === "jailbreak" || l.category === "injection") ? l.category : null;
  const id = `portcullis_review:${i.id}`;
  const lastUser = [...i.conversation].reverse().find((t) => t.role === "user")?.text;
  const out = { prompts: [] as object[], completions: [] as object[], conversations: [] as object[] };
  const promptStage = i.stages.some((s) => s.stage === "prompt" && s.action !== "allow");
  if (lastUser !== undefined && (promptStage || !i.completion)) {
    out.prompts.push({ id, text: lastUser, harmful, categories, attack, ...COMMON });
  }
  if (i.completion && i.stages.some((s) => s.stage === "completion" && s.action !== "allow")) {
    out.completions.push({
      id,
      prompt: lastUser ?? "",
      completion: i.completion.excerpt,
      harmful,
      categories,
      ...COMMON,
    });
  }
  const messages = i.conversation
    .filter((t) => t.role === "user" || t.role === "assistant" || t.role === "system")
    .map((t) => ({ role: t.role, content: t.text }));
  if (messages.filter((m) => m.role !== "system").length > 1) {
    out.conversations.push({ id, messages, harmful, categories, attack, ...COMMON });
  }
  return out;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: "string" }, since: { type: "string" } } });
  const url = process.env.REDIS_URL;
  if (!url || values.out === undefined) {
    process.stderr.write("usage: REDIS_URL=... npm run labels:export -- --out <dir> [--since <ISO time>]\n");
    return 2;
  }
  const keys = redisKeys(process.env.PORTCULLIS_REDIS_PREFIX ?? "{portcullis}");
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const files = { prompts: [] as string[], completions: [] as string[], conversations: [] as string[] };
  try {
    const since = values.since !== undefined ? Date.parse(values.since) : 0;
    const ids = await redis.zrangebyscore(keys.decided, since, "+inf");
    for (const id of ids) {
      const [raw, state] = await Promise.all([redis.get(keys.incident(id)), redis.hgetall(keys.state(id))]);
      if (raw === null || (state.decision !== "violation" && state.decision !== "benign")) continue;
      const rows = labelRows({
        incident: storedIncidentSchema.parse(JSON.parse(raw)),
        decision: state.decision,
        category: state.category ?? "",
      });
      for (const k of ["prompts", "completions", "conversations"] as const) {
        files[k].push(...rows[k].map((r) => JSON.stringify(r)));
      }
    }
  } finally {
    redis.disconnect();
  }
  mkdirSync(values.out, { recursive: true });
  for (const [name, lines] of Object.entries(files)) {
    writeFileSync(join(values.out, `${name}.jsonl`), lines.length ? `${lines.join("\n")}\n` : "");
  }
  process.stdout.write(
    `exported ${files.prompts.length} prompt, ${files.completions.length} completion, ` +
      `${files.conversations.length} conversation rows to ${values.out}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`labels:export: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
