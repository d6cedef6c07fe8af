/** Builds incident events (DESIGN section 6) from stage outcomes. Ids are deterministic per request. */
import { createHash } from "node:crypto";
import { HARM_CATEGORIES, type Turn } from "../../classifiers/types.ts";
import type { Action, IncidentEvent, StageRecord } from "../../contracts/incident.ts";
import type { Dialect } from "../config/schema.ts";
import { worst } from "../screening/decide.ts";

const HARM: ReadonlySet<string> = new Set(HARM_CATEGORIES);

/** Deterministic incident id: the same request and stage set always gives the same id (idempotent replays). */
export function incidentId(requestId: string, phase: "request" | "completion"): string {
  return `inc_${createHash("sha256").update(`${requestId}:${phase}`).digest("hex").slice(0, 24)}`;
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
  readonly ip?: string;
}

export function buildIncident(
  ctx: IncidentContext,
  phase: "request" | "completion",
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
    id: incidentId(ctx.requestId, phase),
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
    client: { ...(ctx.userId ? { userId: ctx.userId } : {}), ...(ctx.ip ? { ip: ctx.ip } : {}) },
  };
}
