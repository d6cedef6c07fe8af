/** @jsxImportSource hono/jsx */
/**
 * The review console at `/review`: log in with a reviewer token (kept in an HttpOnly, SameSite=Strict cookie
 * scoped to `/review`), see queues, claim, read, decide, act. Every write goes through the same `ReviewActions`
 * as the JSON API, so both are audited alike.
 */
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { REVIEW_QUEUES } from "../../contracts/incident.ts";
import { ApiError, apiStatus } from "./api-error.ts";
import type { ReviewActions } from "./actions.ts";
import { decisionBodySchema, signatureBodySchema } from "./api.ts";
import { readLimitedBody } from "./http.ts";
import type { ReviewStore } from "./review-store.ts";
import type { Principal, TokenAuth } from "./tokens.ts";
import { ErrorPage, IncidentPage, LoginPage, QueuesPage } from "./views.tsx";

const COOKIE = "portcullis_review";

export interface ConsoleOptions {
  tokens: TokenAuth;
  store: ReviewStore;
  actions: ReviewActions;
  /** Set the cookie's Secure flag (serve the console over HTTPS). @defaultValue false */
  secureCookie?: boolean;
  onInternalError: (e: unknown) => void;
  /** Largest accepted form post (config `server.bodyLimitBytes`); larger ones get 413 while being read. */
  bodyLimitBytes: number;
}

interface ConsoleEnv {
  Variables: { principal: Principal };
}

/** The posted form's string fields, read with the gateway's one body reader (at most `limit` bytes held). */
async function form(c: Context, limit: number): Promise<Record<string, string>> {
  const bytes = await readLimitedBody(c, limit);
  const type = c.req.header("content-type") ?? "";
  if (!/^\s*(?:multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) return {};
  let body: FormData;
  try {
    body = await new Response(new Uint8Array(bytes), { headers: { "content-type": type } }).formData();
  } catch (e: unknown) {
    throw new ApiError("invalid_request", "expected a form post", { cause: e });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of body.entries()) if (typeof v === "string") out[k] = v;
  return out;
}

function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined || origin === "null") return origin === undefined;
  try {
    return new URL(origin).host === new URL(c.req.url).host;
  } catch {
    return false;
  }
}

function registerPages(app: Hono<ConsoleEnv>, o: ConsoleOptions): void {
  app.get("/", async (c) => {
    const notice = c.req.query("notice");
    return c.html(<QueuesPage principal={c.var.principal} queues={await o.store.queues()} notice={notice} />);
  });
  app.post("/claim", async (c) => {
    const f = await form(c, o.bodyLimitBytes);
    const queue = z
      .enum(REVIEW_QUEUES)
      .optional()
      .safeParse(f.queue || undefined);
    if (!queue.success) throw new ApiError("invalid_request", "unknown review queue");
    const view = await o.actions.claim(c.var.principal, queue.data);
    return view
      ? c.redirect(`/review/incidents/${view.incident.id}`, 303)
      : c.redirect("/review?notice=Nothing+to+claim", 303);
  });
  app.get("/incidents/:id", async (c) => {
    const view = await o.store.get(c.req.param("id"));
    if (!view) throw new ApiError("not_found", "no such incident (it may have expired)");
    return c.html(<IncidentPage principal={c.var.principal} view={view} />);
  });
  app.post("/incidents/:id/decision", async (c) => {
    const f = await form(c, o.bodyLimitBytes);
    // An unknown or missing decision is refused, never defaulted: a garbled form must not close an incident.
    const parsed = decisionBodySchema.safeParse({
      decision: f.decision,
      ...(f.category ? { category: f.category } : {}),
      ...(f.note ? { note: f.note } : {}),
    });
    if (!parsed.success)
      throw new ApiError("invalid_request", parsed.error.issues[0]?.message ?? "invalid decision");
    await o.actions.decide(c.var.principal, c.req.param("id"), parsed.data);
    return c.redirect(`/review?notice=Decided+${c.req.param("id")}`, 303);
  });
  app.post("/incidents/:id/suspend-key", async (c) => {
    const f = await form(c, o.bodyLimitBytes);
    const keyId = await o.actions.suspendKey(
      c.var.principal,
      c.req.param("id"),
      f.reason || "suspended from console",
    );
    return c.redirect(
      `/review/incidents/${c.req.param("id")}?notice=${encodeURIComponent(`suspended ${keyId}`)}`,
      303,
    );
  });
  app.post("/incidents/:id/signature", async (c) => {
    const f = await form(c, o.bodyLimitBytes);
    const parsed = signatureBodySchema.safeParse({
      text: f.text,
      reason: f.reason,
      incidentId: c.req.param("id"),
    });
    if (!parsed.success)
      throw new ApiError("invalid_request", parsed.error.issues[0]?.message ?? "invalid signature");
    await o.actions.addSignature(c.var.principal, parsed.data);
    return c.redirect(`/review/incidents/${c.req.param("id")}`, 303);
  });
}

/** Builds the console sub-app (mount with `app.route("/review", ...)` after the API). */
export function createConsole(o: ConsoleOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.post("/login", async (c) => {
    const f = await form(c, o.bodyLimitBytes);
    const r = o.tokens.check(f.token ?? "");
    if (!r.ok)
      return c.html(
        <LoginPage error={r.reason === "expired" ? "That token has expired." : "Unknown token."} />,
        401,
      );
    setCookie(c, COOKIE, f.token ?? "", {
      httpOnly: true,
      sameSite: "Strict",
      path: "/review",
      secure: o.secureCookie ?? false,
    });
    return c.redirect("/review", 303);
  });
  app.post("/logout", (c) => {
    deleteCookie(c, COOKIE, { path: "/review" });
    return c.redirect("/review", 303);
  });
  app.use(async function consoleAuth(c, next) {
    if (c.req.method === "POST" && !sameOrigin(c))
      throw new ApiError("forbidden", "cross-origin form post refused");
    const r = o.tokens.check(getCookie(c, COOKIE) ?? "");
    if (!r.ok)
      return c.html(
        <LoginPage error={r.reason === "expired" ? "Your token has expired." : undefined} />,
        401,
      );
    c.set("principal", r.principal);
    await next();
  });
  registerPages(app, o);
  app.onError((e, c) => {
    const ae = e instanceof ApiError ? e : new ApiError("internal", "internal error");
    if (!(e instanceof ApiError)) o.onInternalError(e);
    return c.html(
      <ErrorPage status={apiStatus(ae.code)} message={ae.message} principal={c.var.principal} />,
      apiStatus(ae.code),
    );
  });
  return app;
}
