/**
 * Turns a validated incident event into the record the intake worker stores: redacted text (redacted by the gateway
 * already, or here when an older gateway wrote the event), the flagged span (`span.ts`), the review queue it belongs
 * in, and the conversation hash used for dedupe. Pure.
 */
import { createHash } from "node:crypto";
import type { IncidentEvent, ReviewQueue, StoredIncident } from "../../contracts/incident.ts";
import { redactIncidentEvent, type Redactor } from "../../contracts/redact.ts";
import { flaggedSpan, type SpanLocator } from "./span.ts";

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
  // The gateway redacts before writing the event anywhere; only events from an older gateway arrive unredacted.
  const red = e.redacted ? e : redactIncidentEvent(e, o.redact);
  return {
    ...red,
    receivedAt: (o.now ?? new Date()).toISOString(),
    queue: routeQueue(red),
    // Computed on the redacted text, so the offsets index what is stored.
    span: flaggedSpan(red, o.locate),
    source: o.source,
  };
}
