/**
 * Admin routes for single end users of a key (`/admin/api/keys/:id/end-users/:endUser`, admin token): read the
 * status, suspend, reinstate. `:endUser` is the hashed end user (`client.endUser` of an incident, `details.endUser`
 * of an enforcement audit entry), never the raw id, so raw end-user ids stay out of URLs and access logs. Every
 * change is audited and replicated like key statuses.
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import { END_USER_HASH } from "../../contracts/incident.ts";
import type { AuditLog } from "../../contracts/audit-log.ts";
import type { KeyAdmin } from "../keys/key-admin.ts";
import type { RedisKeyStore } from "../keys/redis-key-store.ts";
import { GatewayError } from "../errors.ts";
import { readValidBody } from "../http/json-body.ts";
import { apiBody, type ApiEnv } from "../review/http.ts";

export interface EndUserRoutesOptions {
  keyStore: RedisKeyStore;
  keyAdmin: KeyAdmin;
  audit: AuditLog;
  /** Largest accepted body (config `server.bodyLimitBytes`). */
  bodyLimitBytes: number;
}

const VERBS = { suspend: "suspended", reinstate: "active" } as const;

function target(c: Context<ApiEnv>, o: EndUserRoutesOptions): { keyId: string; endUser: string } {
  const keyId = c.req.param("id") ?? "";
  const endUser = c.req.param("endUser") ?? "";
  if (!END_USER_HASH.test(endUser))
    throw new GatewayError("invalid_request", "endUser must be the 32-hex-character hashed end user");
  if (!o.keyStore.byId(keyId)) throw new GatewayError("not_found", `no key ${keyId}`);
  return { keyId, endUser };
}

/** Registers the end-user routes on the admin API sub-app (its token check already ran). */
export function registerEndUserRoutes(app: Hono<ApiEnv>, o: EndUserRoutesOptions): void {
  app.get("/keys/:id/end-users/:endUser", (c) => {
    const { keyId, endUser } = target(c, o);
    const st = o.keyStore.endUserStatus(keyId, endUser);
    const until = st?.until !== undefined ? { until: new Date(st.until).toISOString() } : {};
    return c.json({ keyId, endUser, status: st?.status ?? "active", ...until });
  });
  for (const [verb, status] of Object.entries(VERBS)) {
    app.post(`/keys/:id/end-users/:endUser/${verb}`, async (c) => {
      const { keyId, endUser } = target(c, o);
      const body = await readValidBody(
        c,
        z.object({ reason: z.string().max(500).default(`${verb} by admin`) }),
        apiBody(o.bodyLimitBytes),
      );
      const p = c.var.principal;
      await o.keyAdmin.setEndUserStatus(keyId, endUser, { status, reason: body.reason, by: p.id });
      await o.audit.append({
        actor: p.id,
        role: p.role,
        action: `end_user.${verb}`,
        target: keyId,
        details: { endUser, reason: body.reason },
      });
      return c.json({ keyId, endUser, status });
    });
  }
}
