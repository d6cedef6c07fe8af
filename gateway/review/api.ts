/**
 * The review JSON API, mounted at `/review/api`: queues with counts, claim with a lease, read, decide, act.
 * Errors are `{error:{code,message}}` (`apiErrorHandler`, not the client dialects).
 */
import { Hono } from "hono";
import { z } from "zod";
import { HARM_CATEGORIES } from "../../classifiers/types.ts";
import { DECISIONS, REVIEW_QUEUES } from "../../contracts/incident.ts";
import { GatewayError } from "../errors.ts";
import { readValidBody } from "../http/json-body.ts";
import type { ReviewActions } from "./actions.ts";
import { apiBody, apiErrorHandler, requireToken, type ApiEnv } from "./http.ts";
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
  /** Whether the store's Redis client can take commands now (ioredis `status`): a failure while not is a 503. */
  redisReady: () => boolean;
  onInternalError: (e: unknown) => void;
  /** Largest accepted body (config `server.bodyLimitBytes`); larger ones get 413 while being read. */
  bodyLimitBytes: number;
}

/** Builds the sub-app (mount with `app.route("/review/api", ...)`). */
export function createReviewApi(o: ReviewApiOptions): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const read = apiBody(o.bodyLimitBytes);
  app.use(requireToken({ tokens: o.tokens, role: "reviewer" }));
  app.get("/queues", async (c) => c.json(await o.store.queues()));
  app.post("/claim", async (c) => {
    const body = await readValidBody(c, z.object({ queue: z.enum(REVIEW_QUEUES).optional() }), read);
    const view = await o.actions.claim(c.var.principal, body.queue);
    return view ? c.json(viewJson(view)) : c.body(null, 204);
  });
  app.get("/incidents/:id", async (c) => {
    const view = await o.store.get(c.req.param("id"));
    if (!view) throw new GatewayError("not_found", `no incident ${c.req.param("id")}`);
    return c.json(viewJson(view));
  });
  app.post("/incidents/:id/decision", async (c) => {
    const body = await readValidBody(c, decisionBodySchema, read);
    await o.actions.decide(c.var.principal, c.req.param("id"), body);
    const view = await o.store.get(c.req.param("id"));
    return c.json(view ? viewJson(view) : {});
  });
  app.post("/incidents/:id/suspend-key", async (c) => {
    const body = await readValidBody(c, z.object({ reason: z.string().trim().min(1).max(500) }), read);
    const keyId = await o.actions.suspendKey(c.var.principal, c.req.param("id"), body.reason);
    return c.json({ keyId, status: "suspended" });
  });
  app.post("/incidents/:id/suspend-end-user", async (c) => {
    const body = await readValidBody(c, z.object({ reason: z.string().trim().min(1).max(500) }), read);
    const r = await o.actions.suspendEndUser(c.var.principal, c.req.param("id"), body.reason);
    return c.json({ ...r, status: "suspended" });
  });
  app.post("/signatures", async (c) => {
    const body = await readValidBody(c, signatureBodySchema, read);
    return c.json(await o.actions.addSignature(c.var.principal, body), 201);
  });
  app.get("/signatures", async (c) => c.json(await o.signatures.list()));
  app.post("/signatures/:id/remove", async (c) => {
    const body = await readValidBody(c, signatureRemoveBodySchema, read);
    await o.actions.removeSignature(c.var.principal, c.req.param("id"), body.reason);
    return c.json({ id: c.req.param("id"), status: "removed" });
  });
  app.all("*", () => {
    throw new GatewayError("not_found", "no such review API route");
  });
  app.onError(apiErrorHandler(o));
  return app;
}
