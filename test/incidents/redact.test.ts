/**
 * Redaction before storage: e-mails, Luhn-valid card numbers and phone numbers by default, plus extra patterns; in
 * linear time, since the text is whatever a client sent (issue 10, item 2).
 */
import { describe, expect, it } from "vitest";
import { prepareIncident } from "../../workers/intake/prepare.ts";
import { createEventRedactor, createRedactor, luhn } from "../../contracts/redact.ts";
import { cbrnEvent } from "./fixtures.ts";

const all = createRedactor({ emails: true, cards: true, phones: true, patterns: [] });
const emailsOnly = createRedactor({ emails: true, cards: false, phones: false, patterns: [] });

/** The e-mail regex the scanner replaced: the reference for what counts as an address (fine on short strings). */
const EMAIL_REGEX = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** A small deterministic PRNG (mulberry32), so a failing string can be reproduced. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("redaction", () => {
  it("replaces e-mail addresses", () => {
    expect(all("write to jane.doe+ops@mail.example.co.uk today")).toBe("write to [EMAIL] today");
    expect(all("a@b.io and c_d@e-f.org")).toBe("[EMAIL] and [EMAIL]");
  });

  it("finds exactly the addresses the e-mail regex it replaced found (30,000 random strings)", () => {
    const rnd = prng(10);
    const alphabet = "ab1Z.-_%+@ é";
    for (let n = 0; n < 30_000; n++) {
      let s = "";
      const len = Math.floor(rnd() * 28);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      expect(emailsOnly(s), JSON.stringify(s)).toBe(s.replace(EMAIL_REGEX, "[EMAIL]"));
    }
    expect(all("x@y.io9 a@b.cd.e a@b..io @c.io a@b.c x@y@z.io")).toBe(
      "[EMAIL]9 [EMAIL].e a@b..io @c.io a@b.c x@[EMAIL]",
    );
  });

  it("still finds an address after, or at the end of, a megabyte of adversarial text", () => {
    expect(all(`${"a".repeat(1_000_000)} jane@example.com`)).toBe(`${"a".repeat(1_000_000)} [EMAIL]`);
    expect(all(`${"a@".repeat(500_000)}example.com`)).toBe(`${"a@".repeat(499_999)}[EMAIL]`);
  });

  it("replaces card numbers that pass the Luhn check, in any common grouping, and keeps other numbers", () => {
    expect(luhn("4111 1111 1111 1111")).toBe(true);
    expect(luhn("4111 1111 1111 1112")).toBe(false);
    expect(all("card 4111111111111111 exp")).toBe("card [CARD] exp");
    expect(all("card 4111-1111-1111-1111.")).toBe("card [CARD].");
    expect(all("amex 3782 822463 10005")).toBe("amex [CARD]");
    // Same length, fails Luhn: an order number, not a card.
    expect(all("order 4111111111111112 shipped")).toBe("order 4111111111111112 shipped");
  });

  it("replaces phone numbers in international and local formats", () => {
    expect(all("call +1 415 555 0100 now")).toBe("call [PHONE] now");
    expect(all("call (415) 555-0100")).toBe("call [PHONE]");
    expect(all("ruf +4930123456789 an")).toBe("ruf [PHONE] an");
    expect(all("tel 020 7946 0958.")).toBe("tel [PHONE].");
  });

  it("leaves ordinary text, dates, versions and short numbers alone", () => {
    const text = "On 2024-05-01 v1.2.3 cost 12.50 for 3 items; see section 4.2 and ISBN-free notes.";
    expect(all(text)).toBe(text);
  });

  it("honours the switches and applies extra patterns", () => {
    const none = createRedactor({ emails: false, cards: false, phones: false, patterns: [] });
    const text = "jane@example.com 4111111111111111 +1 415 555 0100";
    expect(none(text)).toBe(text);
    const extra = createRedactor({
      emails: false,
      cards: false,
      phones: false,
      patterns: ["\\bACCT-\\d{6}\\b", "secret\\s+\\w+"],
    });
    expect(extra("ACCT-123456 and secret sauce, ACCT-12")).toBe("[REDACTED] and [REDACTED], ACCT-12");
  });

  it("rejects a bad extra pattern when it is built (at boot), not per incident", () => {
    expect(() =>
      createRedactor({ emails: true, cards: true, phones: true, patterns: ["(unclosed"] }),
    ).toThrow();
  });

  it("redacts every turn, the completion and the user id, and keeps the cut position on the cut", () => {
    const released = "Contact ops@example.com for the ";
    const held = "key at 4111 1111 1111 1111 and more";
    const e = cbrnEvent(1, {
      conversation: [
        { role: "system", text: "Escalate to admin@corp.example" },
        { role: "user", text: "My number is +1 415 555 0100" },
      ],
      completion: { excerpt: released + held, cutAt: released.length, streamed: true },
      client: { userId: "bob@example.com" },
    });
    const r = prepareIncident(e, { redact: all, source: "gateway" });
    expect(r.conversation.map((t) => t.text)).toEqual(["Escalate to [EMAIL]", "My number is [PHONE]"]);
    expect(r.completion?.excerpt).toBe("Contact [EMAIL] for the key at [CARD] and more");
    expect(r.completion?.excerpt.slice(r.completion.cutAt)).toBe("key at [CARD] and more");
    expect(r.client.userId).toBe("[EMAIL]");
    expect(JSON.stringify(r)).not.toMatch(/example\.com|4111|555 0100/);
  });

  it("redacts a whole event in the gateway and marks it, so intake stores it without a second pass", () => {
    const released = "Mail ops@example.com the ";
    const held = "card 4111 1111 1111 1111";
    const raw = cbrnEvent(2, {
      conversation: [{ role: "user", text: "Call +1 415 555 0100 or eve@example.com" }],
      completion: { excerpt: released + held, cutAt: released.length, streamed: true },
      client: { userId: "bob@example.com", ip: "203.0.113.9" },
    });
    const red = createEventRedactor({ emails: true, cards: true, phones: true, patterns: [] })(raw);
    expect(red.redacted).toBe(true);
    expect(red.conversation[0]?.text).toBe("Call [PHONE] or [EMAIL]");
    expect(red.completion?.excerpt.slice(red.completion.cutAt)).toBe("card [CARD]");
    expect(red.client).toEqual({ userId: "[EMAIL]", ip: "203.0.113.9" });
    expect(JSON.stringify(red)).not.toMatch(/example\.com|4111|555 0100/);
    expect(prepareIncident(red, { redact: all, source: "gateway" }).conversation).toEqual(red.conversation);
    // The mark is what intake trusts: a marked event is stored as it came, an unmarked one is redacted and marked.
    const marked = cbrnEvent(3, { conversation: [{ role: "user", text: "x@y.io" }], redacted: true });
    expect(prepareIncident(marked, { redact: all, source: "gateway" }).conversation[0]?.text).toBe("x@y.io");
    const legacy = prepareIncident(raw, { redact: all, source: "gateway" });
    expect(legacy.redacted).toBe(true);
    expect(legacy.conversation).toEqual(red.conversation);
  });
});

describe("redaction time", () => {
  // The regex it replaced took 24 s on 100 KB of "a" (quadratic backtracking); 1 MB would take ~40 min.
  const MB = 1_000_000;
  const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const adversarial: [string, string][] = [
    ["a", fill("a")],
    ["1", fill("1")],
    ["a@", fill("a@")],
    ["a.", fill("a.")],
    ["a@a.", fill("a@a.")],
    ["digits and spaces", fill("1 ")],
    ["digit pairs and spaces", fill("12 ")],
    ["digits and dashes", fill("12-")],
    ["card-like groups", fill("4111 1111 1111 1111 1111-")],
    ["phone-like groups", fill("+1 (1) 12 12 12 12-")],
    ["long phone-like groups", fill("1234 12345 12345 12345 1")],
    ["plus signs", fill("+12345678901234567")],
    ["parentheses", fill("(1234)")],
    ["address-like", fill("a+b@c-d.ee-")],
  ];

  it.each(adversarial)("redacts 1 MB of %s in under 200 ms", (_name, text) => {
    const t0 = performance.now();
    all(text);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});
