/**
 * `npm run audit:verify [-- --checkpoint FILE ...]`: checks the audit log in Redis against the audit key and the
 * head checkpoints kept outside Redis. Exits 0 when the log is intact; 1 when any entry was altered, reordered or
 * removed, written without the key (a rewritten and re-hashed chain), or when a checkpoint shows newest entries or
 * the whole log gone (each problem is printed); 2 on usage errors (no Redis URL, no key, a checkpoint file missing).
 *
 * Reads the config as the workers do (`PORTCULLIS_CONFIG`, else the embedded default) with the environment
 * overrides: REDIS_URL, PORTCULLIS_REDIS_PREFIX, PORTCULLIS_DATA_DIR, PORTCULLIS_AUDIT_KEY (the key itself) or
 * PORTCULLIS_AUDIT_KEY_FILE, PORTCULLIS_AUDIT_CHECKPOINT. `--checkpoint` (repeatable) replaces the configured
 * checkpoint file: give the file of every host whose processes append. The key is never printed.
 */
import { parseArgs } from "node:util";
import { verifyAuditChain, type AuditCheckpoint } from "../../contracts/audit-chain.ts";
import { readCheckpoints } from "../../contracts/audit-checkpoint.ts";
import { auditPaths, loadAuditKey } from "../../contracts/audit-key.ts";
import { connectRedis, parseRedisUrl, whenUsable, type RedisMode } from "../../contracts/redis-client.ts";
import { redisKeys } from "../../contracts/redis-keys.ts";
import { embeddedConfig } from "../../config/embedded.ts";
import { loadConfig, readConfigFile } from "../../config/load.ts";

interface Settings {
  readonly url: string;
  readonly mode: RedisMode | undefined;
  readonly sentinelPassword: string | undefined;
  readonly prefix: string;
  readonly key: Buffer;
  readonly checkpoints: AuditCheckpoint[];
  readonly invalid: string[];
  readonly files: number;
}

/** Everything verify needs; throws (a usage error, exit 2) when something is missing. */
function settings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const { values } = parseArgs({ args: argv, options: { checkpoint: { type: "string", multiple: true } } });
  const path = env.PORTCULLIS_CONFIG;
  const raw = path !== undefined ? readConfigFile(path) : embeddedConfig("http://127.0.0.1:9");
  const config = loadConfig({ raw, source: path ?? "embedded default", env });
  if (config.redis.url === undefined || config.redis.url === "") {
    throw new Error(
      "set REDIS_URL (and PORTCULLIS_REDIS_PREFIX if not {portcullis}) or redis.url in the config",
    );
  }
  const paths = auditPaths({ dataDir: config.dataDir, ...config.audit });
  const { key } = loadAuditKey({ envKey: env.PORTCULLIS_AUDIT_KEY, paths, create: false });
  const files = values.checkpoint ?? [paths.checkpointFile];
  const read = files.map(readCheckpoints);
  return {
    url: config.redis.url,
    mode: config.redis.mode,
    sentinelPassword: config.redis.sentinelPassword,
    prefix: config.redis.prefix,
    key,
    checkpoints: read.flatMap((r) => r.checkpoints),
    invalid: read.flatMap((r) => r.invalid),
    files: files.length,
  };
}

async function verify(s: Settings): Promise<number> {
  const keys = redisKeys(s.prefix);
  const redis = connectRedis(parseRedisUrl(s.url, s.mode, { password: s.sentinelPassword }), {
    maxRetriesPerRequest: 1,
  });
  redis.on("error", () => undefined);
  try {
    if (!(await whenUsable(redis, 10_000))) {
      process.stderr.write("audit:verify: cannot reach Redis within 10 s\n");
      return 2;
    }
    const [lines, head] = await Promise.all([redis.lrange(keys.audit, 0, -1), redis.get(keys.auditHead)]);
    const problems = verifyAuditChain({ lines, head, key: s.key, checkpoints: s.checkpoints });
    for (const p of problems) process.stdout.write(`entry ${p.index}: ${p.message}\n`);
    for (const line of s.invalid) process.stdout.write(`${line}\n`);
    const count = problems.length + s.invalid.length;
    const covered = `${s.checkpoints.length} checkpoint(s) in ${s.files} file(s)`;
    process.stdout.write(
      count === 0
        ? `audit log intact: ${lines.length} entries, ${covered}\n`
        : `audit log TAMPERED: ${count} problem(s) in ${lines.length} entries, ${covered}\n`,
    );
    return count === 0 ? 0 : 1;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<number> {
  let s: Settings;
  try {
    s = settings(process.argv.slice(2), process.env);
  } catch (e: unknown) {
    process.stderr.write(`audit:verify: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  return verify(s);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`audit:verify: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
