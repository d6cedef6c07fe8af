/**
 * The stored form of a secret a client presents (API keys, review tokens, console sessions): its SHA-256, never the
 * secret itself. The config file, the admin API and the gateway's lookups must agree on it, and the config module
 * (which both processes import) hashes the embedded demo's keys, so it lives here rather than in `gateway/keys/`.
 */
import { createHash } from "node:crypto";

/** Hex SHA-256 of a key, the form keys are stored in. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
