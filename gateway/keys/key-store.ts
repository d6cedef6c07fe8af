/** API keys: clients present a key; only its SHA-256 is stored. Lookups are synchronous on the hot path. */
import { createHash } from "node:crypto";
import type { KeyConfig } from "../config/schema.ts";

export type KeyStatus = "active" | "throttled" | "suspended" | "revoked";

export interface KeyRecord {
  readonly id: string;
  readonly tenant: string;
  readonly policy: string;
  readonly scopes: readonly ("chat" | "classify")[];
  readonly status: KeyStatus;
}

export interface KeyStore {
  /** The record for a presented key, or undefined when the key is unknown. */
  lookup(presentedKey: string): KeyRecord | undefined;
}

/** Hex SHA-256 of a key, the form keys are stored in. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** A key store over the config's keys. */
export function createStaticKeyStore(keys: readonly KeyConfig[]): KeyStore {
  const byHash = new Map<string, KeyRecord>(
    keys.map((k) => [
      k.sha256,
      { id: k.id, tenant: k.tenant, policy: k.policy, scopes: k.scopes, status: k.status },
    ]),
  );
  return { lookup: (presented) => byHash.get(hashKey(presented)) };
}
