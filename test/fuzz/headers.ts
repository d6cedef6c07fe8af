/**
 * Request header generators: credentials in every form a client may send them (Bearer or `x-api-key`, both,
 * duplicated, odd schemes, unknown keys), content types the gateway must not trust, and extra headers - Anthropic
 * and OpenAI version and beta headers, end-user headers, latin-1 bytes, a value near Node's header size limit.
 */
import fc from "fast-check";
import { KEYS } from "./setup.ts";

/** Header name (lower case) -> value; an array sends the header once per value. */
export type Headers = Record<string, string | readonly string[]>;

/** A header value Node's client accepts: visible ASCII, space, tab and latin-1 bytes. */
const headerValue = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)) },
      { weight: 1, arbitrary: fc.constant("\t") },
    ),
    maxLength,
  });

const keyValue = fc.oneof(
  { weight: 12, arbitrary: fc.constant(KEYS.strict) },
  { weight: 4, arbitrary: fc.constant(KEYS.release) },
  { weight: 3, arbitrary: fc.constant(KEYS.lite) },
  { weight: 1, arbitrary: fc.constantFrom(KEYS.classifyOnly, KEYS.suspended) },
  { weight: 1, arbitrary: headerValue(40) },
);

const authHeaders: fc.Arbitrary<Headers> = fc.oneof(
  { weight: 20, arbitrary: keyValue.map((k) => ({ authorization: `Bearer ${k}` })) },
  { weight: 12, arbitrary: keyValue.map((k) => ({ "x-api-key": k })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(keyValue, keyValue)
      .map(([a, b]) => ({ authorization: `Bearer ${a}`, "x-api-key": b })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(keyValue, keyValue)
      .map(([a, b]) => ({ authorization: [`Bearer ${a}`, `Bearer ${b}`] })),
  },
  { weight: 1, arbitrary: fc.tuple(keyValue, keyValue).map(([a, b]) => ({ "x-api-key": [a, b] })) },
  { weight: 1, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("bearer ", "Basic ", "Bearer", "Bearer  ", "Token "), keyValue)
      .map(([s, k]) => ({
        authorization: `${s}${k}`,
      })),
  },
);

const contentType: fc.Arbitrary<Headers> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ "content-type": "application/json" }) },
  { weight: 1, arbitrary: fc.constant({}) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        "text/plain",
        "application/json; charset=utf-16",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "application/octet-stream",
      )
      .map((ct) => ({ "content-type": ct })),
  },
);

/** Headers beyond auth and content type; at most ~12 KB in all, under Node's 16 KiB header limit. */
const extraHeaders: fc.Arbitrary<Headers> = fc
  .record(
    {
      "anthropic-version": fc.oneof(fc.constant("2023-06-01"), headerValue(60)),
      "anthropic-beta": headerValue(60),
      "openai-beta": headerValue(60),
      "x-portcullis-user": headerValue(40),
      "x-user-id": headerValue(40),
      accept: fc.constantFrom("text/event-stream", "*/*", "application/json", "x/y"),
      "content-encoding": fc.constantFrom("gzip", "identity", "br"),
      "x-fuzz-big": fc.integer({ min: 1000, max: 11_000 }).map((n) => "v".repeat(n)),
    },
    { requiredKeys: [] },
  )
  .map((h) => h as Headers);

/** Every header of a request but `x-request-id` and `content-length` (the sender sets those). */
export const headers: fc.Arbitrary<Headers> = fc
  .tuple(authHeaders, contentType, fc.option(extraHeaders, { freq: 3, nil: undefined }))
  .map(([a, c, e]) => ({ ...a, ...c, ...e }));

const first = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return typeof v === "string" ? v : v?.[0];
};

/** The key the gateway reads (`presentedKey`: a Bearer token first, else `x-api-key`; Node keeps the first of each). */
export function presentedKey(h: Headers): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(first(h, "authorization")?.trim() ?? "");
  if (m?.[1]) return m[1].trim();
  const k = first(h, "x-api-key")?.trim();
  return k ? k : undefined;
}
