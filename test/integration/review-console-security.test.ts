/**
 * The review console's browser-facing security (issue 10, item 12), over HTTP against a real gateway process: the
 * cookie holds a server-side session id (never the token) that logout ends, its flags, the security headers on
 * every kind of console response, same-origin form posts (login included), and `?notice=` showing only the
 * server's own text.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startGateway, startDemoUpstreamProcess, type RunningProcess } from "../helpers/processes.ts";
import { incidentConfig, TOKENS, uniquePrefix } from "../helpers/review.ts";

describe("review console security", () => {
  let upstream: RunningProcess;
  let gateway: RunningProcess;
  let base: string;

  beforeAll(async () => {
    upstream = await startDemoUpstreamProcess();
    const config = incidentConfig(upstream.url, { redisUrl: inject("redisUrl"), prefix: uniquePrefix() });
    gateway = await startGateway({ config, args: ["--no-workers"] });
    base = gateway.url;
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
  });

  const login = (headers: Record<string, string> = { origin: base }, token = TOKENS.reviewer) =>
    fetch(`${base}/review/login`, {
      method: "POST",
      headers,
      body: new URLSearchParams({ token }),
      redirect: "manual",
    });
  /** Logs in and returns the `name=value` part of the session cookie. */
  const session = async () => (await login()).headers.get("set-cookie")?.split(";")[0] ?? "";
  const page = (path: string, cookie: string) => fetch(`${base}${path}`, { headers: { cookie } });

  it("keeps a random session id in the cookie, never the token, with HttpOnly and SameSite=Strict", async () => {
    const res = await login();
    expect(res.status).toBe(303);
    const set = res.headers.get("set-cookie") ?? "";
    const [pair = "", ...attrs] = set.split(/;\s*/);
    const value = pair.replace(/^portcullis_review=/, "");
    expect(pair.startsWith("portcullis_review=")).toBe(true);
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(set).not.toContain(TOKENS.reviewer);
    expect(attrs).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Strict", "Path=/review"]));
    expect(attrs).not.toContain("Secure");
    expect((await page("/review", pair)).status).toBe(200);
    // The old cookie shape (the raw token) no longer logs anyone in.
    expect((await page("/review", `portcullis_review=${TOKENS.reviewer}`)).status).toBe(401);
  });

  it("marks the cookie Secure when the request came over HTTPS through a proxy, or when configured", async () => {
    const res = await login({ origin: base, "x-forwarded-proto": "https" });
    expect(res.headers.get("set-cookie")?.split(/;\s*/)).toContain("Secure");

    const config = incidentConfig(upstream.url, { redisUrl: inject("redisUrl"), prefix: uniquePrefix() });
    (config.review as Record<string, unknown>).secureCookies = true;
    const always = await startGateway({ config, args: ["--no-workers"] });
    try {
      const r = await fetch(`${always.url}/review/login`, {
        method: "POST",
        headers: { origin: always.url },
        body: new URLSearchParams({ token: TOKENS.reviewer }),
        redirect: "manual",
      });
      expect(r.headers.get("set-cookie")?.split(/;\s*/)).toContain("Secure");
    } finally {
      await always.stop();
    }
  });

  it("ends the session on logout: the old cookie stops working", async () => {
    const cookie = await session();
    expect((await page("/review", cookie)).status).toBe(200);
    const out = await fetch(`${base}/review/logout`, {
      method: "POST",
      headers: { origin: base, cookie },
      redirect: "manual",
    });
    expect(out.status).toBe(303);
    expect((await page("/review", cookie)).status).toBe(401);
  });

  it("refuses cross-origin and origin-less form posts, login included", async () => {
    const evil = await login({ origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("set-cookie")).toBeNull();
    expect((await login({})).status).toBe(403);
    expect((await login({ origin: "null" })).status).toBe(403);
    expect((await login({ referer: `${base}/review` })).status).toBe(403);
    expect((await login({ origin: "null", "sec-fetch-site": "cross-site" })).status).toBe(403);
    // What a browser sends for the console's own post under `Referrer-Policy: no-referrer`.
    expect((await login({ origin: "null", "sec-fetch-site": "same-origin" })).status).toBe(303);
    // A logged-in reviewer's cookie does not let another site post either (logout included).
    const cookie = await session();
    for (const path of ["/review/claim", "/review/logout"]) {
      const r = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { origin: "https://evil.example", cookie },
        redirect: "manual",
      });
      expect(r.status, path).toBe(403);
    }
    expect((await page("/review", cookie)).status).toBe(200);
  });

  it("sends the security headers on every console response, with a CSP that admits only the page's style", async () => {
    const cookie = await session();
    const responses = [
      await fetch(`${base}/review`), // the login page (401)
      await page("/review", cookie),
      await page("/review/signatures", cookie),
      await page("/review/incidents/inc_000000000000000000000000", cookie), // error page (404)
      await page("/review/no-such-page", cookie),
      await login({ origin: "https://evil.example" }), // 403
      await login(), // redirect
    ];
    for (const r of responses) {
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp, r.url).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|script-src/);
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
    }
    const html = await (await page("/review", cookie)).text();
    expect(html).not.toContain("<script");
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
    const hash = createHash("sha256").update(style).digest("base64");
    expect(responses[1]?.headers.get("content-security-policy")).toContain(`style-src 'sha256-${hash}'`);
  });

  it("shows only the server's notice texts, never text from the link", async () => {
    const cookie = await session();
    const body = async (query: string) => (await page(`/review${query}`, cookie)).text();
    const hostile: [string, string][] = [
      ["<script>alert(1)</script>", "alert(1)"],
      ["Your session expired. Log in again at https://evil.example", "evil.example"],
      ["Decided", 'id="notice"'],
    ];
    for (const [text, marker] of hostile) {
      const html = await body(`?notice=${encodeURIComponent(text)}`);
      expect(html).not.toContain('id="notice"');
      expect(html).not.toContain(marker);
    }
    expect(await body("?notice=nothing-to-claim")).toContain("Nothing to claim.");
    const id = "inc_0123456789abcdef01234567";
    expect(await body(`?notice=decided&id=${id}`)).toContain(`Decided ${id}.`);
    const spoof = await body(`?notice=decided&id=${encodeURIComponent("inc_0 - call +1 555 0100")}`);
    expect(spoof).toContain("Decided.");
    expect(spoof).not.toContain("555");
  });
});
