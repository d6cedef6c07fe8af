/** @jsxImportSource hono/jsx */
/**
 * The review console at `/review`: log in with a reviewer token, see queues, claim, read, decide, act, manage
 * signatures. Login starts a server-side session (`sessions.ts`); the cookie holds only its random id (HttpOnly,
 * SameSite=Strict, scoped to `/review`, `Secure` over HTTPS or when configured), and logout ends the session in
 * Redis. Every response carries the console's security headers and every form post must be same-origin
 * (`console-security.ts`).
 */
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { GatewayError, toGatewayError } from "../errors.ts";
import type { ReviewActions } from "./actions.ts";
import { isHttps, sameOrigin, securityHeaders } from "./console-security.ts";
import { readForm, registerConsolePages, type ConsoleEnv } from "./console-pages.tsx";
import { isServerFault } from "./http.ts";
import type { ReviewStore } from "./review-store.ts";
import type { SessionStore } from "./sessions.ts";
import type { SignatureStore } from "../signatures/signature-store.ts";
import type { TokenAuth } from "./tokens.ts";
import { CONSOLE_STYLE, ErrorPage, LoginPage } from "./views.tsx";

/** The session cookie's name. */
export const SESSION_COOKIE = "portcullis_review";

export interface ConsoleOptions {
  tokens: TokenAuth;
  sessions: SessionStore;
  store: ReviewStore;
  actions: ReviewActions;
  signatures: SignatureStore;
  /**
   * Always set the session cookie's `Secure` flag (config `review.secureCookies`); it is also set whenever the
   * request came over HTTPS (directly or per `X-Forwarded-Proto`). @defaultValue false
   */
  secureCookies?: boolean;
  /** Whether the sessions' and store's Redis client can take commands now: a failure while not is a 503 page. */
  redisReady: () => boolean;
  /** As `ApiErrorHandlerOptions.onInternalError`: only failures that map to `internal` or `unavailable`. */
  onInternalError: (e: unknown) => void;
  /** Largest accepted form post (config `server.bodyLimitBytes`); larger ones get 413 while being read. */
  bodyLimitBytes: number;
}

function registerLogin(app: Hono<ConsoleEnv>, o: ConsoleOptions): void {
  const endSession = async (c: Context) => {
    const old = getCookie(c, SESSION_COOKIE);
    if (old !== undefined) await o.sessions.destroy(old);
  };
  app.post("/login", async (c) => {
    const f = await readForm(c, o.bodyLimitBytes);
    const token = f.token ?? "";
    const r = o.tokens.check(token);
    if (!r.ok)
      return c.html(
        <LoginPage error={r.reason === "expired" ? "That token has expired." : "Unknown token."} />,
        401,
      );
    await endSession(c);
    setCookie(c, SESSION_COOKIE, await o.sessions.create(token), {
      httpOnly: true,
      sameSite: "Strict",
      path: "/review",
      secure: (o.secureCookies ?? false) || isHttps(c),
    });
    return c.redirect("/review", 303);
  });
  app.post("/logout", async (c) => {
    await endSession(c);
    deleteCookie(c, SESSION_COOKIE, { path: "/review" });
    return c.redirect("/review", 303);
  });
}

/** Builds the console sub-app (mount with `app.route("/review", ...)` after the API). */
export function createConsole(o: ConsoleOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.use(securityHeaders({ style: CONSOLE_STYLE }));
  app.use(async function sameOriginPosts(c, next) {
    if (c.req.method === "POST" && !sameOrigin(c))
      throw new GatewayError("forbidden", "cross-origin form post refused");
    await next();
  });
  registerLogin(app, o);
  app.use(async function consoleAuth(c, next) {
    const session = getCookie(c, SESSION_COOKIE);
    const r = session === undefined ? undefined : await o.sessions.check(session);
    if (!r?.ok)
      return c.html(
        <LoginPage error={r?.reason === "expired" ? "Your token has expired." : undefined} />,
        401,
      );
    c.set("principal", r.principal);
    await next();
  });
  registerConsolePages(app, o);
  app.onError((e, c) => {
    const ge = toGatewayError(e, { redisReady: o.redisReady });
    if (isServerFault(ge)) o.onInternalError(e);
    return c.html(
      <ErrorPage status={ge.status} message={ge.message} principal={c.var.principal} />,
      ge.status as ContentfulStatusCode,
    );
  });
  return app;
}
