/** Audit key and checkpoint file for tests that build an audit log or the incident-response side in-process. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { openAuditSecrets, type AuditSecrets } from "../../contracts/audit-key.ts";
import { createAuditLog, type AuditLog } from "../../contracts/audit-log.ts";
import type { RedisKeys } from "../../contracts/redis-keys.ts";

/** A fixed test key. */
export const TEST_AUDIT_KEY = "test-audit-key-0123456789abcdef-0123456789";

/** The key and a checkpoint file in a fresh temp dir. */
export function testAuditSecrets(): AuditSecrets {
  const dataDir = mkdtempSync(join(tmpdir(), "portcullis-audit-"));
  return openAuditSecrets({ envKey: TEST_AUDIT_KEY, dataDir });
}

/** An audit log over `redis` with the test key and a fresh checkpoint file; checkpoint errors fail loudly. */
export function testAuditLog(o: { redis: Redis; keys: RedisKeys }): AuditLog {
  return createAuditLog({
    ...o,
    ...testAuditSecrets(),
    onCheckpointError: (e) => {
      throw e;
    },
  });
}
