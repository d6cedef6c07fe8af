/**
 * Turns a validated incident event into the record the intake worker stores: redacted text, the flagged span,
 * the review queue it belongs in, and the conversation hash used for dedupe. Pure.
 */
import { createHash } from "node:crypto";
import type { IncidentEvent, ReviewQueue, Span, StoredIncident } from "../../contracts/incident.ts";
import type { Redactor } from "./redact.ts";

function redactEvent(e: IncidentEvent, redact: Redactor): IncidentEvent {
  const conversation = e.conversation.map((t) => ({ role: t.role, text: redact(t.text) }));
  let completion = e.completion;
  if (completion) {
    // Redact the released and held-back parts separately so `cutAt` still points at the cut.
    const cut = completion.cutAt;
    const head = redact(completion.excerpt.slice(0, cut ?? completion.excerpt.length));
    const tail = cut === undefined ? "" : redact(completion.excerpt.slice(cut));
    completion = {
      ...completion,
      excerpt: head + tail,
      ...(cut !== undefined ? { cutAt: head.length } : {}),
    };
  }
  const client = {
    ...e.client,
    ...(e.client.userId !== undefined ? { userId: redact(e.client.userId) } : {}),
  };
  return { ...e, conversation, ...(completion ? { completion } : {}), client };
}

/** The text the reviewer should look at first: the cut-off part of a completion, else the newest user turn. */
export function flaggedSpan(e: IncidentEvent): Span | null {
  const completionFired = e.stages.some((s) => s.stage === "completion" && s.action !== "allow");
  if (completionFired && e.completion) {
    const len = e.completion.excerpt.length;
    const start = e.completion.cutAt !== undefined && e.completion.cutAt < len ? e.completion.cutAt : 0;
    return { source: "completion", start, end: len };
  }
  for (let i = e.conversation.length - 1; i >= 0; i--) {
    const t = e.conversation[i];
    if (t?.role === "user") return { source: "conversation", turn: i, start: 0, end: t.text.length };
  }
  return null;
}

/** Review queue by category and severity; null = stored only (fail-mode records with nothing fired). */
export function routeQueue(e: IncidentEvent): ReviewQueue | null {
  if (e.categories.includes("cbrn")) return "cbrn";
  if (e.categories.includes("child_safety")) return "child_safety";
  if (e.action === "block") return "blocked";
  if (e.action === "flag" || e.action === "shadow") return "flagged";
  return null;
}

/** Same key + same conversation text = same hash (computed on the redacted text). */
export function conversationHash(e: IncidentEvent): string {
  const h = createHash("sha256").update(e.keyId).update("\0");
  for (const t of e.conversation) h.update(t.role).update("\0").update(t.text).update("\0");
  return h.digest("hex").slice(0, 32);
}

/** Builds the stored record. */
export function prepareIncident(
  e: IncidentEvent,
  o: { redact: Redactor; source: StoredIncident["source"]; now?: Date },
): StoredIncident {
  const red = redactEvent(e, o.redact);
  return {
    ...red,
    receivedAt: (o.now ?? new Date()).toISOString(),
    queue: routeQueue(red),
    span: flaggedSpan(red),
    source: o.source,
  };
}
