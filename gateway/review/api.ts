/**
 * The review JSON API, mounted at `/review/api`: queues with counts, claim with a lease, read, decide, act.
 * Errors are `{error:{code,message}}` (its own `onError`, not the client dialects).
 */
import { Hono } from "hono";
import { z } from "zod";
import { HARM_CATEGORIES } from "../../classifiers/types.ts";
import { DECISIONS, REVIEW_QUEUES } from "../../contracts/incident.ts";
import { ApiError, renderApiError } from "./api-error.ts";
import type { ReviewActions } from "./actions.ts";
import { readBody, requireToken, type ApiEnv } from "./http.ts";
import type { IncidentView, ReviewStore } from "./review-store.ts";
import type { SignatureStore } from "../signatures/signature-store.ts";
import type { TokenAuth } from "./tokens.ts";

/** Categories a violation may carry: the harm taxonomy plus the two attack kinds. */
export const DECISION_CATEGORIES = [...HARM_CATEGORIES, "jailbreak", "injection"] as const;

export const decisionBodySchema = z
  .object({
    decision: z.enum(DECISIONS),
    category: z.enum(DECISION_CATEGORIES).optional(),
    note: z.string().max(2000).optional(),
  })
  .refine((d) => d.decision !== "violation" || d.category !== undefined, {
    message: "a violation needs a category",
    path: ["category"],
  });

export const signatureBodySchema = z.object({
  text: z.string().trim().min(20, "a signature needs at least 20 characters").max(20_000),
  reason: z.string().trim().min(1).max(500),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  incidentId: z.string().max(128).optional(),
});

/** Removing a signature needs a reason (it goes to the audit log). */
export const signatureRemoveBodySchema = z.object({ reason: z.string().trim().min(1).max(500) });

/** The JSON shape of an incident view. */
export function viewJson(v: IncidentView): Record<string, unknown> {
  const lease = v.review.leaseExpiresAt;
  return {
    ...v.incident,
    review: v.review,
    ...(lease !== undefined ? { leaseExpiresAt: new Date(lease).toISOString() } : {}),
  };
}

export interface ReviewApiOptions {
  tokens: TokenAuth;
  store: ReviewStore;
  actions: ReviewActions;
  signatures: SignatureStore;
  onInternalError: (e: unknown) => void;
  /** Largest accepted body (config `server.bodyLimitBytes`); larger ones get 413 while being read. */
  bodyLimitBytes: number;
}

/** Builds the sub-app (mount with `app.route("/review/api", ...)`). */
export function createReviewApi(o: ReviewApiOptions): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use(requireToken({ tokens: o.tokens, role: "reviewer" }));
  app.get("/queues", async (c) => c.json(await o.store.queues()));
  app.post("/claim", async (c) => {
    const body = await readBody(c, z.object({ queue: z.enum(REVIEW_QUEUES).optional() }), o.bodyLimitBytes);
    const view = await o.actions.claim(c.var.principal, body.queue);
    return view ? c.json(viewJson(view)) : c.body(null, 204);
  });
  app.get("/incidents/:id", async (c) => {
    const view = await o.store.get(c.req.param("id"));
    if (!view) throw new ApiError("not_found", `no incident ${c.req.param("id")}`);
    return c.json(viewJson(view));
  });
  app.post("/incidents/:id/decision", async (c) => {
    const body = await readBody(c, decisionBodySchema, o.bodyLimitBytes);
    await o.actions.decide(c.var.principal, c.req.param("id"), body);
    const view = await o.store.get(c.req.param("id"));
    return c.json(view ? viewJson(view) : {});
  });
  app.post("/incidents/:id/suspend-key", async (c) => {
    const body = await readBody(c, z.object({ reason: z.string().trim().min(1).max(500) }), o.bodyLimitBytes);
    const keyId = await o.actions.suspendKey(c.var.principal, c.req.param("id"), body.reason);
    return c.json({ keyId, status: "suspended" });
  });
  app.post("/incidents/:id/suspend-end-user", async (c) => {
    const body = await readBody(c, z.object({ reason: z.string().trim().min(1).max(500) }), o.bodyLimitBytes);
    const r = await o.actions.suspendEndUser(c.var.principal, c.req.param("id"), body.reason);
    return c.json({ ...r, status: "suspended" });
  });
  app.post("/signatures", async (c) => {
    const body = await readBody(c, signatureBodySchema, o.bodyLimitBytes);
    return c.json(await o.actions.addSignature(c.var.principal, body), 201);
  });
  app.get("/signatures", async (c) => c.json(await o.signatures.list()));
  app.post("/signatures/:id/remove", async (c) => {
    const body = await readBody(c, signatureRemoveBodySchema, o.bodyLimitBytes);
    await o.actions.removeSignature(c.var.principal, c.req.param("id"), body.reason);
    return c.json({ id: c.req.param("id"), status: "removed" });
  });
  app.all("*", () => {
    throw new ApiError("not_found", "no such review API route");
  });
  app.onError((e, c) => {
    if (!(e instanceof ApiError)) o.onInternalError(e);
    return renderApiError(e, c);
  });
  return app;
}
