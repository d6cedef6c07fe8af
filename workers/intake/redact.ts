/**
 * Redaction before storage (DESIGN section 6): e-mail addresses, payment card numbers (Luhn-checked, so order
 * numbers survive) and phone numbers by default, plus configured extra patterns.
 */

export interface RedactOptions {
  emails: boolean;
  cards: boolean;
  phones: boolean;
  /** Extra JavaScript regex sources, applied with the `gu` flags. */
  patterns: readonly string[];
}

export type Redactor = (text: string) => string;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
// Optional country code, optional (area code), then two to four digit groups; `isPhone` filters the candidates.
const PHONE =
  /(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,5}){1,3}(?![\w-])|(?<![\w+])\+\d{8,15}(?!\w)/g;
const DATE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4})$/;

/** A phone number has 7 to 15 digits (E.164) and is not a date such as 2024-05-01 or 01.05.2024. */
function isPhone(m: string): boolean {
  const digits = m.replace(/\D/g, "").length;
  return digits >= 7 && digits <= 15 && !DATE.test(m);
}

/** Luhn checksum over the digits of `s`. */
export function luhn(s: string): boolean {
  const digits = s.replace(/\D/g, "");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

/** Builds the redactor once (the extra patterns are compiled here; a bad pattern throws at boot). */
export function createRedactor(o: RedactOptions): Redactor {
  const extra = o.patterns.map((p) => new RegExp(p, "gu"));
  return (text) => {
    let out = text;
    if (o.emails) out = out.replace(EMAIL, "[EMAIL]");
    if (o.cards) out = out.replace(CARD, (m) => (luhn(m) ? "[CARD]" : m));
    if (o.phones) out = out.replace(PHONE, (m) => (isPhone(m) ? "[PHONE]" : m));
    for (const re of extra) out = out.replace(re, "[REDACTED]");
    return out;
  };
}
