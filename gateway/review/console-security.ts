/**
 * What keeps the review console safe to open in a browser: security headers on every console response (a CSP
 * that allows no script at all and only the console's own inline style, by hash; no framing; no MIME sniffing; no
 * referrer), a same-origin check for every form post (login included), and whether a request came over HTTPS
 * (for the session cookie's `Secure` flag).
 */
import { createHash } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";

/** The `Content-Security-Policy` for pages whose only inline content is the style element `style`. */
export function consoleCsp(style: string): string {
  const hash = createHash("sha256").update(style).digest("base64");
  return [
    "default-src 'none'",
    `style-src 'sha256-${hash}'`,
    "img-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** Sets the console's security headers on whatever response the handlers (or the error handler) produced. */
export function securityHeaders({ style }: { style: string }): MiddlewareHandler {
  const csp = consoleCsp(style);
  return async function consoleSecurityHeaders(c, next) {
    await next();
    c.res.headers.set("content-security-policy", csp);
    c.res.headers.set("x-frame-options", "DENY");
    c.res.headers.set("x-content-type-options", "nosniff");
    c.res.headers.set("referrer-policy", "no-referrer");
    c.res.headers.set("cache-control", "no-store");
  };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * True when the post comes from a console page: its `Origin` names this host, or the browser marks it
 * `Sec-Fetch-Site: same-origin`. The second is needed because the console's `Referrer-Policy: no-referrer` makes
 * browsers send `Origin: null` on their own same-origin form posts; pages cannot set `Sec-Fetch-Site`, and a
 * cross-site post carries `cross-site` there. Anything else (no header, `null` alone, another host) is refused:
 * the console has no non-browser clients (scripts use the JSON API with a bearer token).
 */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== "null") {
    const host = hostOf(c.req.url);
    return host !== undefined && hostOf(origin) === host;
  }
  return c.req.header("sec-fetch-site") === "same-origin";
}

/** Whether the client reached the gateway over HTTPS: directly, or through a proxy that says so. */
export function isHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  // The last hop's value: a proxy appends to (or replaces) what the client sent. A client that lies here only
  // changes the flags of its own cookie.
  const proto = c.req.header("x-forwarded-proto")?.split(",").pop()?.trim().toLowerCase();
  return proto === "https";
}
