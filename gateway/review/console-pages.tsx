/** @jsxImportSource hono/jsx */
/**
 * The console's pages and form posts behind login: queues, claim, an incident, decide, suspend its key, add a
 * signature from it, and the signatures list with removal. Every write goes through `ReviewActions`, like the JSON
 * API, so both are audited and lease-guarded alike; redirects carry only fixed notice codes (`notices.ts`).
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import { REVIEW_QUEUES } from "../../contracts/incident.ts";
import type { SignatureStore } from "../signatures/signature-store.ts";
import { GatewayError } from "../errors.ts";
import { readBodyBytes } from "../http/node-io.ts";
import { validate } from "../http/json-body.ts";
import type { ReviewActions } from "./actions.ts";
import { decisionBodySchema, signatureBodySchema } from "./api.ts";
import { noticeText, withNotice } from "./notices.ts";
import type { ReviewStore } from "./review-store.ts";
import { SignaturesPage } from "./signature-views.tsx";
import type { Principal } from "./tokens.ts";
import { IncidentPage, QueuesPage } from "./views.tsx";

/** The console sub-app's Hono env. */
export interface ConsoleEnv {
  Variables: { principal: Principal };
}

export interface ConsolePagesOptions {
  store: ReviewStore;
  actions: ReviewActions;
  signatures: SignatureStore;
  /** Largest accepted form post (config `server.bodyLimitBytes`); larger ones get 413 while being read. */
  bodyLimitBytes: number;
}

/** The posted form's string fields, read with the gateway's one body reader (at most `limit` bytes held). */
export async function readForm(c: Context, limit: number): Promise<Record<string, string>> {
  const bytes = await readBodyBytes(c, limit);
  const type = c.req.header("content-type") ?? "";
  if (!/^\s*(?:multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) return {};
  let body: FormData;
  try {
    body = await new Response(new Uint8Array(bytes), { headers: { "content-type": type } }).formData();
  } catch (e: unknown) {
    throw new GatewayError("invalid_request", "expected a form post", { cause: e });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of body.entries()) if (typeof v === "string") out[k] = v;
  return out;
}

const notice = (c: Context) => noticeText(c.req.query("notice"), c.req.query("id"));

function registerQueuePages(app: Hono<ConsoleEnv>, o: ConsolePagesOptions): void {
  app.get("/", async (c) =>
    c.html(<QueuesPage principal={c.var.principal} queues={await o.store.queues()} notice={notice(c)} />),
  );
  app.post("/claim", async (c) => {
    const f = await readForm(c, o.bodyLimitBytes);
    const queue = validate(
      z.enum(REVIEW_QUEUES, { error: "unknown review queue" }).optional(),
      f.queue || undefined,
    );
    const view = await o.actions.claim(c.var.principal, queue);
    return c.redirect(
      view ? `/review/incidents/${view.incident.id}` : withNotice("/review", "nothing-to-claim"),
      303,
    );
  });
}

function registerIncidentPages(app: Hono<ConsoleEnv>, o: ConsolePagesOptions): void {
  app.get("/incidents/:id", async (c) => {
    const view = await o.store.get(c.req.param("id"));
    if (!view) throw new GatewayError("not_found", "no such incident (it may have expired)");
    return c.html(<IncidentPage principal={c.var.principal} view={view} notice={notice(c)} />);
  });
  app.post("/incidents/:id/decision", async (c) => {
    const f = await readForm(c, o.bodyLimitBytes);
    // An unknown or missing decision is refused, never defaulted: a garbled form must not close an incident.
    const decision = validate(decisionBodySchema, {
      decision: f.decision,
      ...(f.category ? { category: f.category } : {}),
      ...(f.note ? { note: f.note } : {}),
    });
    const id = c.req.param("id");
    await o.actions.decide(c.var.principal, id, decision);
    return c.redirect(withNotice("/review", "decided", id), 303);
  });
  app.post("/incidents/:id/suspend-key", async (c) => {
    const f = await readForm(c, o.bodyLimitBytes);
    const id = c.req.param("id");
    await o.actions.suspendKey(c.var.principal, id, f.reason || "suspended from console");
    return c.redirect(withNotice(`/review/incidents/${id}`, "suspended"), 303);
  });
  app.post("/incidents/:id/suspend-end-user", async (c) => {
    const f = await readForm(c, o.bodyLimitBytes);
    const id = c.req.param("id");
    await o.actions.suspendEndUser(c.var.principal, id, f.reason || "suspended from console");
    return c.redirect(withNotice(`/review/incidents/${id}`, "end-user-suspended"), 303);
  });
  app.post("/incidents/:id/signature", async (c) => {
    const f = await readForm(c, o.bodyLimitBytes);
    const id = c.req.param("id");
    const signature = validate(signatureBodySchema, { text: f.text, reason: f.reason, incidentId: id });
    await o.actions.addSignature(c.var.principal, signature);
    return c.redirect(withNotice(`/review/incidents/${id}`, "signature-added"), 303);
  });
}

function registerSignaturePages(app: Hono<ConsoleEnv>, o: ConsolePagesOptions): void {
  app.get("/signatures", async (c) =>
    c.html(
      <SignaturesPage
        principal={c.var.principal}
        signatures={await o.signatures.list()}
        notice={notice(c)}
      />,
    ),
  );
  app.post("/signatures/:id/remove", async (c) => {
    const f = await readForm(c, o.bodyLimitBytes);
    const reason = validate(z.string().trim().min(1, "say why the signature is removed").max(500), f.reason);
    await o.actions.removeSignature(c.var.principal, c.req.param("id"), reason);
    return c.redirect(withNotice("/review/signatures", "signature-removed"), 303);
  });
}

/** Registers every page behind login on the console sub-app. */
export function registerConsolePages(app: Hono<ConsoleEnv>, o: ConsolePagesOptions): void {
  registerQueuePages(app, o);
  registerIncidentPages(app, o);
  registerSignaturePages(app, o);
}
