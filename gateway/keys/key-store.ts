/** API keys: clients present a key; only its SHA-256 is stored. Lookups are synchronous on the hot path. */
import type { KeyConfig } from "../../config/schema.ts";
import { hashKey } from "../../contracts/key-hash.ts";

export type KeyStatus = "active" | "throttled" | "suspended" | "revoked";

export interface KeyRecord {
  readonly id: string;
  readonly tenant: string;
  readonly policy: string;
  readonly scopes: readonly ("chat" | "classify")[];
  readonly status: KeyStatus;
  /** Epoch ms at which a temporary status (a throttle) lapses; absent for lasting statuses. */
  readonly until?: number;
}

/** A throttle or suspension of one end user of one key (enforcement or an admin set it). */
export interface EndUserStatus {
  readonly status: "throttled" | "suspended";
  /** Epoch ms at which a throttle lapses; absent for a suspension. */
  readonly until?: number;
}

export interface KeyStore {
  /** The record for a presented key, or undefined when the key is unknown. */
  lookup(presentedKey: string): KeyRecord | undefined;
  /**
   * The status of one end user (`endUserHash`) of a key, or undefined when that end user may send requests.
   * @defaultValue undefined for every end user of a store without Redis (nothing enforces end users there)
   */
  endUserStatus(keyId: string, endUser: string, now?: number): EndUserStatus | undefined;
}

/** A key store over the config's keys. */
export function createStaticKeyStore(keys: readonly KeyConfig[]): KeyStore {
  const byHash = new Map<string, KeyRecord>(
    keys.map((k) => [
      k.sha256,
      { id: k.id, tenant: k.tenant, policy: k.policy, scopes: k.scopes, status: k.status },
    ]),
  );
  return { lookup: (presented) => byHash.get(hashKey(presented)), endUserStatus: () => undefined };
}
