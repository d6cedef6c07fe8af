/**
 * Turns a validated incident event into the record the intake worker stores: redacted text, the flagged span
 * (`span.ts`), the review queue it belongs in, and the conversation hash used for dedupe. Pure.
 */
import { createHash } from "node:crypto";
import type { IncidentEvent, ReviewQueue, StoredIncident } from "../../contracts/incident.ts";
import type { Redactor } from "./redact.ts";
import { flaggedSpan, type SpanLocator } from "./span.ts";

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
  o: { redact: Redactor; source: StoredIncident["source"]; locate?: SpanLocator | undefined; now?: Date },
): StoredIncident {
  const red = redactEvent(e, o.redact);
  return {
    ...red,
    receivedAt: (o.now ?? new Date()).toISOString(),
    queue: routeQueue(red),
    // Computed on the redacted text, so the offsets index what is stored.
    span: flaggedSpan(red, o.locate),
    source: o.source,
  };
}
