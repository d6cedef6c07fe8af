/**
 * Redaction of personal data (DESIGN section 6): e-mail addresses, payment card numbers (Luhn-checked, so order
 * numbers survive) and phone numbers by default, plus configured extra patterns. The gateway redacts every incident
 * event before it is written anywhere (queue job, spool file, deep-scan job) and marks it `redacted`; the intake
 * worker redacts only events without that mark (written by a gateway older than this module), so no text is
 * redacted twice. Shared by both sides, so it lives here and imports neither.
 *
 * Every built-in matcher runs in time linear in the text, because the text is whatever a client sent: e-mails are
 * found by a hand-written scanner (the regex it replaces, with unbounded runs on both sides of `@`, backtracked
 * quadratically: 24 s on 100 KB of `a`), and the card and phone regexes use only bounded quantifiers and
 * one-character lookarounds, so each start position costs a bounded number of steps.
 */
import type { IncidentEvent } from "./incident.ts";

export interface RedactOptions {
  emails: boolean;
  cards: boolean;
  phones: boolean;
  /**
   * Extra JavaScript regex sources, applied with the `gu` flags. They run on client text: the operator must keep
   * them free of unbounded nested or adjacent overlapping quantifiers (the built-in matchers are linear-time).
   */
  patterns: readonly string[];
}

/** Redacts one text. */
export type Redactor = (text: string) => string;

/** Character classes of the e-mail scanner, indexed by char code (ASCII only; anything else is in no class). */
const LOCAL = 1; // [A-Za-z0-9._%+-]
const LABEL = 2; // [A-Za-z0-9-]
const ALPHA = 4; // [A-Za-z]
const CLASS = Uint8Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  return (
    (/[A-Za-z0-9._%+-]/.test(ch) ? LOCAL : 0) |
    (/[A-Za-z0-9-]/.test(ch) ? LABEL : 0) |
    (/[A-Za-z]/.test(ch) ? ALPHA : 0)
  );
});
const DOT = 0x2e;

function is(text: string, i: number, cls: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 && ((CLASS[c] ?? 0) & cls) !== 0;
}

/**
 * End of the longest domain starting at `from` (`label(.label)*.tld`, labels `[A-Za-z0-9-]+`, tld `[A-Za-z]{2,}`),
 * or -1. Scans forward only while the characters can belong to a domain, so it stops at the next `@`.
 */
function domainEnd(text: string, from: number): number {
  let best = -1;
  let label = 0;
  for (let j = from; j < text.length; j++) {
    if (text.charCodeAt(j) === DOT) {
      if (label === 0) break; // an empty label: no longer domain can match
      let k = j + 1;
      while (k < text.length && is(text, k, ALPHA)) k++;
      if (k - j - 1 >= 2) best = k;
      label = 0;
    } else if (is(text, j, LABEL)) {
      label++;
    } else {
      break;
    }
  }
  return best;
}

/**
 * Replaces what `/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g` would match, in linear time:
 * for each `@`, the local part is the run of local characters before it (back to the previous match or `@`, so
 * no character is walked twice) and the domain is the longest valid one after it (up to the next `@`).
 */
function redactEmails(text: string): string {
  let out = "";
  let copied = 0;
  let at = text.indexOf("@");
  while (at !== -1) {
    let start = at;
    while (start > copied && is(text, start - 1, LOCAL)) start--;
    const end = start < at ? domainEnd(text, at + 1) : -1;
    if (end !== -1) {
      out += `${text.slice(copied, start)}[EMAIL]`;
      copied = end;
    }
    at = text.indexOf("@", Math.max(at + 1, copied));
  }
  return copied === 0 ? text : out + text.slice(copied);
}

// CARD and PHONE: bounded quantifiers and one-character lookarounds only, so a start position costs a bounded
// number of steps and a whole text linear time. Keep them so (the redaction test runs 1 MB adversarial inputs).
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
// Optional country code, optional (area code), then two to four digit groups; `isPhone` filters the candidates.
const PHONE =
  /(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,5}){1,3}(?![\w-])|(?<![\w+])\+\d{8,15}(?!\w)/g;
const DATE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4})$/;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A phone number has 7 to 15 digits (E.164) and is not a date such as 2024-05-01 or 01.05.2024. */
function isPhone(m: string): boolean {
  let digits = 0;
  for (let i = 0; i < m.length; i++) if (isDigit(m.charCodeAt(i))) digits++;
  return digits >= 7 && digits <= 15 && !DATE.test(m);
}

/** Luhn checksum over the digits of `s`. */
export function luhn(s: string): boolean {
  let sum = 0;
  let n = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) continue;
    let d = c - 48;
    if (n++ % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return n >= 13 && sum % 10 === 0;
}

/** Builds the redactor once (the extra patterns are compiled here; a bad pattern throws at boot). */
export function createRedactor(o: RedactOptions): Redactor {
  const extra = o.patterns.map((p) => new RegExp(p, "gu"));
  return (text) => {
    let out = text;
    if (o.emails) out = redactEmails(out);
    if (o.cards) out = out.replace(CARD, (m) => (luhn(m) ? "[CARD]" : m));
    if (o.phones) out = out.replace(PHONE, (m) => (isPhone(m) ? "[PHONE]" : m));
    for (const re of extra) out = out.replace(re, "[REDACTED]");
    return out;
  };
}

/** Redacts the text of an incident event (conversation, completion, client user id); returns a new event. */
export type EventRedactor = (event: IncidentEvent) => IncidentEvent;

/**
 * Applies `redact` to every client- or model-written text of `e` and marks the result `redacted`. The released and
 * held-back parts of a cut completion are redacted separately, so `cutAt` still points at the cut. Redaction is
 * not idempotent in every corner (a card-shaped run that failed the Luhn check can hide a shorter valid one until a
 * phone number inside it is replaced), which is why the mark, not a second pass, tells intake the work is done.
 */
export function redactIncidentEvent(e: IncidentEvent, redact: Redactor): IncidentEvent {
  const conversation = e.conversation.map((t) => ({ role: t.role, text: redact(t.text) }));
  let completion = e.completion;
  if (completion) {
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
  return { ...e, conversation, ...(completion ? { completion } : {}), client, redacted: true };
}

/**
 * Builds the event redactor the gateway applies before an incident is written anywhere.
 *
 * @example
 * const redactEvent = createEventRedactor(config.incidents.redact);
 * producer.publish(redactEvent(event));
 */
export function createEventRedactor(o: RedactOptions): EventRedactor {
  const redact = createRedactor(o);
  return (event) => redactIncidentEvent(event, redact);
}
