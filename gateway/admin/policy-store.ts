/**
 * Live policy overrides: admin changes stored in Redis per policy, merged over the config's policy, resolved with
 * the presets, and written into the replica's live policy map (the same `Map` instance the request path reads),
 * on every replica when the `policies` sync topic fires.
 */
import type { RedisClient } from "../../contracts/redis-client.ts";
import { z } from "zod";
import { GatewayError } from "../errors.ts";
import type { RedisKeys } from "../../contracts/redis-keys.ts";
import { STAGES } from "../../classifiers/types.ts";
import {
  stagePolicySchema,
  streamPolicySchema,
  type Config,
  type PolicyConfig,
} from "../../config/schema.ts";
import type { ClassifierInfo } from "../screening/presets.ts";
import { resolvePolicies, type ResolvedPolicy } from "../screening/policy.ts";

/** A change request's patch: stage fields and stream fields to set. */
export const policyPatchSchema = z.object({
  stages: z
    .object({
      prompt: stagePolicySchema.partial().optional(),
      conversation: stagePolicySchema.partial().optional(),
      completion: stagePolicySchema.partial().optional(),
    })
    .default({}),
  stream: streamPolicySchema.partial().optional(),
});
export type PolicyPatch = z.infer<typeof policyPatchSchema>;

const overrideSchema = policyPatchSchema.extend({ changes: z.number().int().nonnegative() });
type Override = z.infer<typeof overrideSchema>;

export interface PolicyStore {
  reload(): Promise<void>;
  /** The live resolved policy. */
  current(name: string): ResolvedPolicy | undefined;
  /**
   * What the policy would resolve to with `patch` applied on top of the stored override, and what it resolves to
   * now from the same read (`current`), so a loosening check never compares against a replica's stale copy.
   */
  preview(
    name: string,
    patch: PolicyPatch,
  ): Promise<{ current: ResolvedPolicy; resolved: ResolvedPolicy; override: Override }>;
  /** Stores the override built by `preview` (callers publish the `policies` topic). */
  apply(name: string, override: Override): Promise<void>;
}

export interface PolicyStoreOptions {
  redis: RedisClient;
  keys: RedisKeys;
  base: Config["policies"];
  infos: readonly ClassifierInfo[];
  /** The map the request path reads; entries are replaced in place. */
  live: Map<string, ResolvedPolicy>;
}

function merge(base: PolicyConfig, ov: Override | undefined): PolicyConfig {
  if (!ov) return base;
  const stages: PolicyConfig["stages"] = { ...base.stages };
  for (const s of STAGES) {
    const b = base.stages[s];
    const o = ov.stages[s];
    if (o) stages[s] = { ...b, ...o, thresholds: { ...b?.thresholds, ...o.thresholds } };
  }
  return {
    ...base,
    version: `${base.version}+${ov.changes}`,
    stages,
    stream: { ...base.stream, ...ov.stream },
  };
}

/** Creates the store. */
export function createPolicyStore(o: PolicyStoreOptions): PolicyStore {
  async function readOverride(name: string): Promise<Override | undefined> {
    const raw = await o.redis.hget(o.keys.policyOverrides, name);
    return raw === null ? undefined : overrideSchema.parse(JSON.parse(raw));
  }

  function resolveOne(name: string, ov: Override | undefined): ResolvedPolicy {
    const base = o.base[name];
    if (!base) throw new Error(`unknown policy "${name}"`);
    const r = resolvePolicies({ [name]: merge(base, ov) }, o.infos).get(name);
    if (!r) throw new Error(`policy "${name}" did not resolve`);
    return r;
  }

  return {
    async reload() {
      const raw = await o.redis.hgetall(o.keys.policyOverrides);
      const policies: Config["policies"] = {};
      for (const [name, base] of Object.entries(o.base)) {
        const text = raw[name];
        policies[name] = merge(base, text === undefined ? undefined : overrideSchema.parse(JSON.parse(text)));
      }
      for (const [name, p] of resolvePolicies(policies, o.infos)) o.live.set(name, p);
    },
    current: (name) => o.live.get(name),
    async preview(name, patch) {
      const prev = await readOverride(name);
      const current = resolveOne(name, prev);
      const stages: Override["stages"] = { ...prev?.stages };
      const known = new Set(o.infos.map((i) => i.name));
      for (const s of STAGES) {
        const p = patch.stages[s];
        if (!p) continue;
        // A cascade naming a classifier this gateway does not have would fail every request of the stage.
        const unknown = p.cascade?.flat().filter((c) => !known.has(c)) ?? [];
        if (unknown.length > 0) {
          throw new GatewayError(
            "invalid_request",
            `stages.${s}.cascade: unknown classifier "${unknown.join('", "')}"`,
          );
        }
        // Per-key threshold patches keep the key's other actions at their current values.
        const thresholds = { ...prev?.stages[s]?.thresholds };
        for (const [key, t] of Object.entries(p.thresholds ?? {})) {
          thresholds[key as keyof typeof thresholds] = {
            ...current.stages[s].thresholds[key as keyof typeof thresholds],
            ...t,
          };
        }
        stages[s] = { ...prev?.stages[s], ...p, thresholds };
      }
      const override: Override = {
        changes: (prev?.changes ?? 0) + 1,
        stages,
        ...(prev?.stream || patch.stream ? { stream: { ...prev?.stream, ...patch.stream } } : {}),
      };
      return { current, resolved: resolveOne(name, override), override };
    },
    async apply(name, override) {
      await o.redis.hset(o.keys.policyOverrides, name, JSON.stringify(override));
    },
  };
}
