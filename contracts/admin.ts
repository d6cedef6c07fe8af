/**
 * Records the admin/review side keeps in Redis and both processes read: key status overrides, created keys,
 * signatures and policy changes. The audit log's entries and chain arithmetic are in `audit-chain.ts`.
 */
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
