/**
 * Builds incident events (DESIGN section 6) from stage outcomes. The incident id is generated here, by the server,
 * once per event: it is never derived from anything the client sends (the client's `x-request-id` is only recorded
 * as `requestId`), so a client cannot make two of its requests share an incident, a job id or a strike, nor guess
 * another tenant's. The id travels with the event (queue job id, spool line), which keeps replays idempotent.
 */
import { randomBytes } from "node:crypto";
import { HARM_CATEGORIES, type Turn } from "../../classifiers/types.ts";
import type { Action, IncidentEvent, StageRecord } from "../../contracts/incident.ts";
import type { Dialect } from "../../config/schema.ts";
import { worst } from "../screening/decide.ts";

const HARM: ReadonlySet<string> = new Set(HARM_CATEGORIES);

/** A fresh incident id: `inc_` and 96 random bits in hex. */
export function newIncidentId(): string {
  return `inc_${randomBytes(12).toString("hex")}`;
}

/** True when the stages produced something to record: a flag, block, shadow hit, or a fail-mode decision. */
export function needsIncident(stages: readonly StageRecord[]): boolean {
  return stages.some((s) => s.action !== "allow" || s.failMode !== undefined);
}

export interface IncidentContext {
  readonly requestId: string;
  readonly tenant: string;
  readonly keyId: string;
  readonly model: string;
  readonly upstream: string;
  readonly dialect: Dialect;
  readonly policy: { readonly name: string; readonly version: string };
  readonly turns: readonly Turn[];
  readonly userId?: string;
  /** The named end user's `endUserHash` (what enforcement strikes instead of the key). */
  readonly endUser?: string;
  readonly ip?: string;
}

/** Builds one incident event with a new server-generated id; `ctx.requestId` is recorded, never used as a key. */
export function buildIncident(
  ctx: IncidentContext,
  stages: readonly StageRecord[],
  completion?: IncidentEvent["completion"],
): IncidentEvent {
  const action = stages.reduce<Action>((a, s) => worst(a, s.action), "allow");
  const categories = [
    ...new Set(
      stages.flatMap((s) => s.fired.map((f) => f.key as string)).filter((k) => HARM.has(k) || k === "attack"),
    ),
  ];
  return {
    id: newIncidentId(),
    time: new Date().toISOString(),
    requestId: ctx.requestId,
    tenant: ctx.tenant,
    keyId: ctx.keyId,
    model: ctx.model,
    upstream: ctx.upstream,
    dialect: ctx.dialect,
    action,
    categories,
    stages: [...stages],
    policy: { ...ctx.policy },
    conversation: ctx.turns.map((t) => ({ role: t.role, text: t.text })),
    ...(completion ? { completion } : {}),
    client: {
      ...(ctx.userId ? { userId: ctx.userId } : {}),
      ...(ctx.ip ? { ip: ctx.ip } : {}),
      ...(ctx.endUser ? { endUser: ctx.endUser } : {}),
    },
  };
}
