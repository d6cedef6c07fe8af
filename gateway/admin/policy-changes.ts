/**
 * Policy change requests with multi-party authorization: a change that loosens a live policy is stored as
 * `pending` and applies only when a second, different admin approves it; a tightening change applies at once.
 * Applying stores the override and publishes the `policies` topic, so every replica re-resolves.
 */
import { randomBytes } from "node:crypto";
import type { RedisClient } from "../../contracts/redis-client.ts";
import { z } from "zod";
import type { RedisKeys } from "../../contracts/redis-keys.ts";
import { GatewayError } from "../errors.ts";
import type { Principal } from "../review/tokens.ts";
import type { AuditLog } from "../../contracts/audit-log.ts";
import { looseningReasons } from "./loosening.ts";
import { policyPatchSchema, type PolicyStore } from "./policy-store.ts";

export const policyChangeBodySchema = policyPatchSchema.extend({
  policy: z.string().min(1),
  reason: z.string().trim().min(1).max(1000),
});
export type PolicyChangeBody = z.infer<typeof policyChangeBodySchema>;

const changeSchema = policyChangeBodySchema.extend({
  id: z.string(),
  status: z.enum(["pending", "applied"]),
  loosening: z.array(z.string()),
  requestedBy: z.string(),
  requestedAt: z.string(),
  approvedBy: z.string().optional(),
  appliedAt: z.string().optional(),
  version: z.string().optional(),
});
export type PolicyChange = z.infer<typeof changeSchema>;

export interface PolicyChanges {
  request(p: Principal, body: PolicyChangeBody): Promise<PolicyChange>;
  approve(p: Principal, id: string): Promise<PolicyChange>;
  list(): Promise<PolicyChange[]>;
}

export interface PolicyChangesOptions {
  redis: RedisClient;
  keys: RedisKeys;
  policies: PolicyStore;
  audit: AuditLog;
  publish: () => Promise<void>;
}

/** Creates the workflow. */
export function createPolicyChanges(o: PolicyChangesOptions): PolicyChanges {
  const save = (c: PolicyChange) => o.redis.hset(o.keys.policyChanges, c.id, JSON.stringify(c));

  async function apply(change: PolicyChange): Promise<PolicyChange> {
    const { override, resolved } = await o.policies.preview(change.policy, change);
    await o.policies.apply(change.policy, override);
    await o.publish();
    return { ...change, status: "applied", appliedAt: new Date().toISOString(), version: resolved.version };
  }

  return {
    async request(p, body) {
      if (!o.policies.current(body.policy)) throw new GatewayError("not_found", `no policy "${body.policy}"`);
      const { current, resolved } = await o.policies.preview(body.policy, body);
      const loosening = looseningReasons(current, resolved);
      let change: PolicyChange = {
        ...body,
        id: `pc_${randomBytes(6).toString("hex")}`,
        status: "pending",
        loosening,
        requestedBy: p.id,
        requestedAt: new Date().toISOString(),
      };
      if (loosening.length === 0) change = await apply(change);
      await save(change);
      await o.audit.append({
        actor: p.id,
        role: p.role,
        action: loosening.length === 0 ? "policy.change.applied" : "policy.change.requested",
        target: change.id,
        details: {
          policy: body.policy,
          reason: body.reason,
          loosening,
          stages: body.stages,
          stream: body.stream,
        },
      });
      return change;
    },
    async approve(p, id) {
      const raw = await o.redis.hget(o.keys.policyChanges, id);
      if (raw === null) throw new GatewayError("not_found", `no policy change ${id}`);
      const change = changeSchema.parse(JSON.parse(raw));
      if (change.status !== "pending") throw new GatewayError("conflict", "this change is not pending");
      if (change.requestedBy === p.id) {
        throw new GatewayError("forbidden", "a loosening change needs approval by a different admin");
      }
      const applied = await apply({ ...change, approvedBy: p.id });
      await save(applied);
      await o.audit.append({
        actor: p.id,
        role: p.role,
        action: "policy.change.approved",
        target: id,
        details: { policy: change.policy, requestedBy: change.requestedBy, version: applied.version },
      });
      return applied;
    },
    async list() {
      const all = await o.redis.hgetall(o.keys.policyChanges);
      return Object.values(all)
        .map((v) => changeSchema.parse(JSON.parse(v)))
        .sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : -1));
    },
  };
}
