/**
 * Reviewer/admin operations shared by the JSON API and the console: claim, decide, suspend the incident's key,
 * add and remove signatures. Each one is audited; a decision is also queued for the enforcement worker (strikes,
 * metrics). Every action on an incident (decide, suspend its key, a signature from it) needs the caller to hold
 * the incident's lease; a signature goes live only after it passes the specificity check.
 */
import type { Queue } from "bullmq";
import {
  DECISION_JOB,
  type DecisionJob,
  type ReviewDecision,
  type ReviewQueue,
} from "../../contracts/incident.ts";
import { REVIEW_QUEUES } from "../../contracts/incident.ts";
import type { SignatureRecord } from "../../contracts/admin.ts";
import type { AuditLog } from "../../contracts/audit-log.ts";
import { JOB_RETENTION } from "../incidents/queue-producer.ts";
import type { KeyAdmin } from "../keys/key-admin.ts";
import type { SignatureStore } from "../signatures/signature-store.ts";
import type { SpecificityCheck } from "../signatures/specificity.ts";
import { GatewayError } from "../errors.ts";
import type { IncidentView, LeaseOutcome, ReviewStore } from "./review-store.ts";
import type { Principal } from "./tokens.ts";

export interface ReviewActions {
  claim(p: Principal, queue?: ReviewQueue): Promise<IncidentView | undefined>;
  decide(
    p: Principal,
    id: string,
    d: { decision: ReviewDecision; category?: string | undefined; note?: string | undefined },
  ): Promise<void>;
  suspendKey(p: Principal, id: string, reason: string): Promise<string>;
  /** Suspends the end user the incident names (its key's other end users keep working); needs the lease. */
  suspendEndUser(p: Principal, id: string, reason: string): Promise<{ keyId: string; endUser: string }>;
  addSignature(
    p: Principal,
    s: { text: string; reason: string; expiresAt?: string | undefined; incidentId?: string | undefined },
  ): Promise<SignatureRecord>;
  removeSignature(p: Principal, id: string, reason: string): Promise<void>;
}

export interface ReviewActionsOptions {
  store: ReviewStore;
  audit: AuditLog;
  keyAdmin: KeyAdmin;
  signatures: SignatureStore;
  /** The enforcement queue (decision jobs). */
  enforcement: Queue;
  /** Refuses signatures that would catch everyday benign prompts. */
  specificity: SpecificityCheck;
}

/** Queues a principal may claim from: escalations are for admins. */
export function claimableQueues(p: Principal): ReviewQueue[] {
  return REVIEW_QUEUES.filter((q) => q !== "escalated" || p.role === "admin");
}

/** Throws the API's 404/409 for every outcome but "ok". */
function assertLease(outcome: LeaseOutcome, id: string): void {
  switch (outcome) {
    case "ok":
      return;
    case "not_found":
      throw new GatewayError("not_found", `no incident ${id}`);
    case "not_claimed":
      throw new GatewayError("conflict", "claim the incident before acting on it");
    case "not_yours":
      throw new GatewayError("conflict", "another reviewer holds this incident");
    case "lease_expired":
      throw new GatewayError("conflict", "your claim expired; claim the incident again");
  }
}

/** Creates the operations. */
export function createReviewActions(o: ReviewActionsOptions): ReviewActions {
  const audit = (p: Principal, action: string, target: string, details: Record<string, unknown> = {}) =>
    o.audit.append({ actor: p.id, role: p.role, action, target, details });

  return {
    async claim(p, queue) {
      const allowed = claimableQueues(p);
      if (queue !== undefined && !allowed.includes(queue))
        throw new GatewayError("forbidden", `cannot claim from "${queue}"`);
      const view = await o.store.claim({ reviewer: p.id, queues: queue ? [queue] : allowed });
      if (view) await audit(p, "incident.claim", view.incident.id, { queue: view.review.queue });
      return view;
    },
    async decide(p, id, d) {
      assertLease(await o.store.decide({ id, reviewer: p.id, ...d }), id);
      await audit(p, "incident.decide", id, { decision: d.decision, category: d.category, note: d.note });
      const view = await o.store.get(id);
      if (!view) return;
      const job: DecisionJob = {
        incidentId: id,
        keyId: view.incident.keyId,
        tenant: view.incident.tenant,
        decision: d.decision,
        reviewer: p.id,
        ...(d.category !== undefined ? { category: d.category } : {}),
      };
      await o.enforcement.add(DECISION_JOB, job, {
        jobId: `decision-${id}-${view.review.decidedAt ?? Date.now()}`,
        ...JOB_RETENTION,
      });
    },
    async suspendKey(p, id, reason) {
      assertLease(await o.store.holdsLease({ id, reviewer: p.id }), id);
      const view = await o.store.get(id);
      if (!view) throw new GatewayError("not_found", `no incident ${id}`);
      await o.keyAdmin.setStatus(view.incident.keyId, { status: "suspended", reason, by: p.id });
      await audit(p, "key.suspend", view.incident.keyId, { reason, incidentId: id });
      return view.incident.keyId;
    },
    async suspendEndUser(p, id, reason) {
      assertLease(await o.store.holdsLease({ id, reviewer: p.id }), id);
      const view = await o.store.get(id);
      if (!view) throw new GatewayError("not_found", `no incident ${id}`);
      const { keyId, client } = view.incident;
      if (client.endUser === undefined)
        throw new GatewayError("invalid_request", `incident ${id} names no end user`);
      await o.keyAdmin.setEndUserStatus(keyId, client.endUser, { status: "suspended", reason, by: p.id });
      await audit(p, "end_user.suspend", keyId, { endUser: client.endUser, reason, incidentId: id });
      return { keyId, endUser: client.endUser };
    },
    async addSignature(p, s) {
      if (s.incidentId !== undefined)
        assertLease(await o.store.holdsLease({ id: s.incidentId, reviewer: p.id }), s.incidentId);
      const spec = await o.specificity.check(s.text);
      if (!spec.ok) {
        await audit(p, "signature.reject", s.incidentId ?? "signature", {
          benignMatches: spec.benignMatches,
          benignTotal: spec.benignTotal,
          reason: s.reason,
        });
        throw new GatewayError(
          "invalid_request",
          `this signature would catch ${spec.benignMatches} of the ${spec.benignTotal} everyday prompts in the ` +
            "benign set; use the jailbreak's own distinctive wording, not phrases ordinary requests share",
        );
      }
      const record = await o.signatures.add({ ...s, author: p.id });
      await audit(p, "signature.add", record.id, {
        reason: s.reason,
        expiresAt: record.expiresAt,
        incidentId: s.incidentId,
      });
      return record;
    },
    async removeSignature(p, id, reason) {
      const record = await o.signatures.get(id);
      if (!(await o.signatures.remove(id))) throw new GatewayError("not_found", `no signature ${id}`);
      await audit(p, "signature.remove", id, {
        reason,
        author: record?.author,
        incidentId: record?.incidentId,
      });
    },
  };
}
