/**
 * The admin JSON API, mounted at `/admin/api` (admin tokens only): keys (create, suspend, reinstate, revoke),
 * single end users of a key (`end-users.ts`), signatures, policy changes with multi-party approval, and the audit
 * log. Every change is audited.
 */
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../errors.ts";
import { readValidBody } from "../http/json-body.ts";
import { apiBody, apiErrorHandler, requireToken, type ApiEnv } from "../review/http.ts";
import type { ReviewActions } from "../review/actions.ts";
import { signatureBodySchema, signatureRemoveBodySchema } from "../review/api.ts";
import type { TokenAuth } from "../review/tokens.ts";
import type { KeyAdmin } from "../keys/key-admin.ts";
import type { RedisKeyStore } from "../keys/redis-key-store.ts";
import type { SignatureStore } from "../signatures/signature-store.ts";
import type { AuditLog } from "../../contracts/audit-log.ts";
import { registerEndUserRoutes } from "./end-users.ts";
import { policyChangeBodySchema, type PolicyChanges } from "./policy-changes.ts";

export interface AdminApiOptions {
  tokens: TokenAuth;
  keyStore: RedisKeyStore;
  keyAdmin: KeyAdmin;
  signatures: SignatureStore;
  actions: ReviewActions;
  policyChanges: PolicyChanges;
  audit: AuditLog;
  /** Policy names keys may use. */
  policyNames: readonly string[];
  /** Whether the stores' Redis client can take commands now (ioredis `status`): a failure while not is a 503. */
  redisReady: () => boolean;
  onInternalError: (e: unknown) => void;
  /** Largest accepted body (config `server.bodyLimitBytes`); larger ones get 413 while being read. */
  bodyLimitBytes: number;
}

const createKeySchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
  tenant: z.string().min(1).max(128),
  policy: z.string().min(1),
  scopes: z
    .array(z.enum(["chat", "classify"]))
    .min(1)
    .default(["chat"]),
});

const STATUS_ACTIONS = { suspend: "suspended", reinstate: "active", revoke: "revoked" } as const;

function registerKeyRoutes(app: Hono<ApiEnv>, o: AdminApiOptions): void {
  const read = apiBody(o.bodyLimitBytes);
  app.post("/keys", async (c) => {
    const body = await readValidBody(c, createKeySchema, read);
    if (!o.policyNames.includes(body.policy))
      throw new GatewayError("invalid_request", `unknown policy "${body.policy}"`);
    if (body.id !== undefined && o.keyStore.byId(body.id))
      throw new GatewayError("conflict", `key id "${body.id}" exists`);
    const p = c.var.principal;
    const { key, record } = await o.keyAdmin.create({ ...body, by: p.id });
    await o.audit.append({
      actor: p.id,
      role: p.role,
      action: "key.create",
      target: record.id,
      details: { tenant: record.tenant, policy: record.policy },
    });
    const { sha256: _sha, ...shown } = record;
    return c.json({ ...shown, key }, 201);
  });
  for (const [verb, status] of Object.entries(STATUS_ACTIONS)) {
    app.post(`/keys/:id/${verb}`, async (c) => {
      const id = c.req.param("id");
      const body = await readValidBody(
        c,
        z.object({ reason: z.string().max(500).default(`${verb} by admin`) }),
        read,
      );
      const current = o.keyStore.byId(id);
      if (!current) throw new GatewayError("not_found", `no key ${id}`);
      if (current.status === "revoked" && verb !== "revoke")
        throw new GatewayError("conflict", "a revoked key stays revoked");
      const p = c.var.principal;
      await o.keyAdmin.setStatus(id, { status, reason: body.reason, by: p.id });
      await o.audit.append({
        actor: p.id,
        role: p.role,
        action: `key.${verb}`,
        target: id,
        details: { reason: body.reason },
      });
      return c.json({ id, status });
    });
  }
}

/** Builds the sub-app (mount with `app.route("/admin/api", ...)`). */
export function createAdminApi(o: AdminApiOptions): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const read = apiBody(o.bodyLimitBytes);
  app.use(requireToken({ tokens: o.tokens, role: "admin" }));
  registerKeyRoutes(app, o);
  registerEndUserRoutes(app, o);
  app.get("/signatures", async (c) => c.json(await o.signatures.list()));
  app.post("/signatures", async (c) => {
    const body = await readValidBody(c, signatureBodySchema, read);
    return c.json(await o.actions.addSignature(c.var.principal, body), 201);
  });
  app.post("/signatures/:id/remove", async (c) => {
    const body = await readValidBody(c, signatureRemoveBodySchema, read);
    await o.actions.removeSignature(c.var.principal, c.req.param("id"), body.reason);
    return c.json({ id: c.req.param("id"), status: "removed" });
  });
  app.get("/policy-changes", async (c) => c.json(await o.policyChanges.list()));
  app.post("/policy-changes", async (c) => {
    const body = await readValidBody(c, policyChangeBodySchema, read);
    return c.json(await o.policyChanges.request(c.var.principal, body), 201);
  });
  app.post("/policy-changes/:id/approve", async (c) =>
    c.json(await o.policyChanges.approve(c.var.principal, c.req.param("id"))),
  );
  app.get("/audit", async (c) => {
    const limit = Math.min(1000, Math.max(1, Number(c.req.query("limit") ?? 100) || 100));
    return c.json(await o.audit.list(limit));
  });
  app.all("*", () => {
    throw new GatewayError("not_found", "no such admin API route");
  });
  app.onError(apiErrorHandler(o));
  return app;
}
