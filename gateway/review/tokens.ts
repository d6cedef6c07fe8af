/**
 * Reviewer and admin bearer tokens (config `review.tokens`): stored as SHA-256, each with a role and an optional
 * expiry, so access is time-bounded. Admins may do everything reviewers may.
 */
import { hashKey } from "../../contracts/key-hash.ts";
import type { ReviewTokenConfig } from "../../config/schema.ts";

export type Role = "reviewer" | "admin";

/** Who is calling. `id` is recorded as the actor in the audit log. */
export interface Principal {
  readonly id: string;
  readonly role: Role;
}

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; reason: "unknown" | "expired" };

export interface TokenAuth {
  check(token: string, now?: number): TokenCheck;
  /** The same check by the token's SHA-256 (what a console session remembers instead of the token). */
  checkHash(sha256: string, now?: number): TokenCheck;
}

/** Builds the lookup over the configured tokens. */
export function createTokenAuth(tokens: readonly ReviewTokenConfig[]): TokenAuth {
  const byHash = new Map(tokens.map((t) => [t.sha256, t]));
  const checkHash = (sha256: string, now = Date.now()): TokenCheck => {
    const t = byHash.get(sha256);
    if (!t) return { ok: false, reason: "unknown" };
    if (t.expiresAt !== undefined && Date.parse(t.expiresAt) <= now) return { ok: false, reason: "expired" };
    return { ok: true, principal: { id: t.id, role: t.role } };
  };
  return { check: (token, now) => checkHash(hashKey(token), now), checkHash };
}

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}
