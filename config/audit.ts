/**
 * Opens the audit key and checkpoint file for a composition root (gateway or workers) from the config and the
 * environment (`PORTCULLIS_AUDIT_KEY`). A generated key is announced (its path, never its value): every process and
 * host that appends, and `npm run audit:verify`, must use that same key.
 */
import type { Logger } from "pino";
import { openAuditSecrets, type AuditSecrets } from "../contracts/audit-key.ts";
import { ConfigError } from "./load.ts";
import type { Config } from "./schema.ts";

/** Loads (or, at the default path, generates) the key and opens the checkpoint file. Throws `ConfigError`. */
export function openConfiguredAudit(config: Config, env: NodeJS.ProcessEnv, logger: Logger): AuditSecrets {
  let secrets: AuditSecrets;
  try {
    secrets = openAuditSecrets({
      envKey: env.PORTCULLIS_AUDIT_KEY,
      dataDir: config.dataDir,
      keyFile: config.audit.keyFile,
      checkpointFile: config.audit.checkpointFile,
    });
  } catch (e: unknown) {
    throw new ConfigError(`audit: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (secrets.from === "generated") {
    logger.warn(
      { keyFile: secrets.keyFile },
      "generated a new audit key; every process that appends to the audit log, and audit:verify, needs this key",
    );
  }
  return secrets;
}
