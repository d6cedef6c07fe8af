/**
 * `npm run labels:export -- --out <dir> [--since <ISO time>]`: writes reviewed incidents (violation or benign) as
 * JSONL rows in the shared data schema (`../shared/data/DATA.md`, rows built by `workers/labels/rows.ts`) for
 * retraining: `prompts.jsonl`, `completions.jsonl` and `conversations.jsonl`. Every row is validated with the
 * training loader's own schemas before it is written. Escalated, undecided and expired incidents are skipped.
 *
 * Uses REDIS_URL and PORTCULLIS_REDIS_PREFIX (default `{portcullis}`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { z } from "zod";
import { completionRowSchema, conversationRowSchema, promptRowSchema } from "../../classifiers/data.ts";
import { storedIncidentSchema } from "../../contracts/incident.ts";
import {
  connectRedis,
  parseRedisUrl,
  redisModeFromEnv,
  whenUsable,
  type RedisClient,
} from "../../contracts/redis-client.ts";
import { redisKeys } from "../../contracts/redis-keys.ts";
import { labelRows, type LabelRows } from "../labels/rows.ts";

const SCHEMAS: Record<keyof LabelRows, z.ZodType> = {
  prompts: promptRowSchema,
  completions: completionRowSchema,
  conversations: conversationRowSchema,
};

async function collect(
  redis: RedisClient,
  prefix: string,
  since: number,
): Promise<Record<keyof LabelRows, string[]>> {
  const keys = redisKeys(prefix);
  const files = { prompts: [] as string[], completions: [] as string[], conversations: [] as string[] };
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
      for (const row of rows[k]) {
        const r = SCHEMAS[k].safeParse(row);
        if (!r.success) throw new Error(`incident ${id}: ${k} row fails the data schema: ${r.error.message}`);
        files[k].push(JSON.stringify(row));
      }
    }
  }
  return files;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: "string" }, since: { type: "string" } } });
  const url = process.env.REDIS_URL;
  const since = values.since !== undefined ? Date.parse(values.since) : 0;
  if (!url || values.out === undefined || Number.isNaN(since)) {
    process.stderr.write("usage: REDIS_URL=... npm run labels:export -- --out <dir> [--since <ISO time>]\n");
    return 2;
  }
  const redis = connectRedis(
    parseRedisUrl(url, redisModeFromEnv(process.env.PORTCULLIS_REDIS_MODE), {
      password: process.env.PORTCULLIS_REDIS_SENTINEL_PASSWORD,
    }),
    {
      maxRetriesPerRequest: 1,
    },
  );
  redis.on("error", () => undefined);
  let files: Record<keyof LabelRows, string[]>;
  try {
    if (!(await whenUsable(redis, 10_000))) {
      process.stderr.write("labels:export: cannot reach Redis within 10 s\n");
      return 2;
    }
    files = await collect(redis, process.env.PORTCULLIS_REDIS_PREFIX ?? "{portcullis}", since);
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
