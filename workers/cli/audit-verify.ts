/**
 * `npm run audit:verify`: reads the hash-chained audit log from Redis and checks every link. Exits 0 when the chain
 * is intact, 1 when any entry was altered, reordered or removed (each problem is printed), 2 on usage errors.
 *
 * Uses REDIS_URL and PORTCULLIS_REDIS_PREFIX (or the config file in PORTCULLIS_CONFIG).
 */
import { Redis } from "ioredis";
import { verifyAuditChain } from "../../contracts/admin.ts";
import { redisKeys } from "../../contracts/redis-keys.ts";

async function main(): Promise<number> {
  const env = process.env;
  const url = env.REDIS_URL;
  if (url === undefined || url === "") {
    process.stderr.write("audit:verify: set REDIS_URL (and PORTCULLIS_REDIS_PREFIX if not {portcullis})\n");
    return 2;
  }
  const keys = redisKeys(env.PORTCULLIS_REDIS_PREFIX ?? "{portcullis}");
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const [lines, head] = await Promise.all([redis.lrange(keys.audit, 0, -1), redis.get(keys.auditHead)]);
    const problems = verifyAuditChain(lines, head);
    for (const p of problems) process.stdout.write(`entry ${p.index}: ${p.message}\n`);
    process.stdout.write(
      problems.length === 0
        ? `audit log intact: ${lines.length} entries\n`
        : `audit log TAMPERED: ${problems.length} problem(s) in ${lines.length} entries\n`,
    );
    return problems.length === 0 ? 0 : 1;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`audit:verify: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
