/**
 * Records the admin/review side keeps in Redis and both processes read: key status overrides, created keys,
 * signatures, policy changes, and the hash-chained audit log (the chain arithmetic is here so the gateway that
 * appends and `npm run audit:verify` that checks agree byte for byte).
 */
import { createHash } from "node:crypto";
import { z } from "zod";

export const keyStatusSchema = z.enum(["active", "throttled", "suspended", "revoked"]);

/** A status set by an admin or the enforcement worker; overrides the config/created key's own status. */
export const keyStatusOverrideSchema = z.object({
  status: keyStatusSchema,
  /** Epoch ms after which the override lapses (throttles); absent = until changed. */
  until: z.number().optional(),
  reason: z.string(),
  by: z.string(),
  at: z.string(),
});
export type KeyStatusOverride = z.infer<typeof keyStatusOverrideSchema>;

/** A key created through the admin API. Only its SHA-256 is stored. */
export const createdKeySchema = z.object({
  id: z.string().min(1).max(128),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  tenant: z.string().min(1),
  policy: z.string().min(1),
  scopes: z.array(z.enum(["chat", "classify"])).min(1),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type CreatedKey = z.infer<typeof createdKeySchema>;

/** A jailbreak signature: blocks near-duplicates of `text` in the prompt stage until `expiresAt`. */
export const signatureRecordSchema = z.object({
  id: z.string(),
  text: z.string().min(1),
  reason: z.string().min(1),
  author: z.string(),
  createdAt: z.string(),
  /** ISO time; null = no expiry. */
  expiresAt: z.string().nullable(),
  incidentId: z.string().optional(),
});
export type SignatureRecord = z.infer<typeof signatureRecordSchema>;

/** One audit entry. `hash` = sha256(prev + canonical JSON of every other field). */
export const auditEntrySchema = z.object({
  seq: z.number().int().nonnegative(),
  time: z.string(),
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()),
  prev: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Hash of the empty chain. */
export const AUDIT_GENESIS = "0".repeat(64);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The hash an entry must carry. */
export function auditHash(entry: Omit<AuditEntry, "hash">): string {
  return createHash("sha256").update(entry.prev).update(canonical(entry)).digest("hex");
}

export interface AuditProblem {
  readonly index: number;
  readonly message: string;
}

/**
 * Checks a chain read back from Redis: each line parses, sequence numbers run 0..n-1, each `prev` is the previous
 * entry's hash, each hash recomputes, and the stored head equals the last hash (so a removed tail is caught).
 */
export function verifyAuditChain(lines: readonly string[], head: string | null): AuditProblem[] {
  const problems: AuditProblem[] = [];
  let prev = AUDIT_GENESIS;
  lines.forEach((line, index) => {
    let parsed: AuditEntry;
    try {
      parsed = auditEntrySchema.parse(JSON.parse(line));
    } catch {
      problems.push({ index, message: "entry is not a valid audit entry" });
      return;
    }
    const { hash, ...rest } = parsed;
    if (parsed.seq !== index)
      problems.push({ index, message: `sequence ${parsed.seq} where ${index} was expected` });
    if (parsed.prev !== prev)
      problems.push({ index, message: "prev does not match the previous entry's hash" });
    if (auditHash(rest) !== hash)
      problems.push({ index, message: "hash does not match the entry's content" });
    prev = hash;
  });
  if ((head ?? AUDIT_GENESIS) !== prev) {
    problems.push({
      index: lines.length,
      message: "chain head does not match the last entry (entries removed?)",
    });
  }
  return problems;
}
