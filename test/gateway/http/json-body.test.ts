/**
 * The one body path (issue 12): `readJsonBody` / `readValidBody` over a real Hono app - JSON parse failures,
 * schema failures with `zodMessage`, the empty-body default of the review/admin APIs and the body limit while
 * reading - each a `GatewayError` with its stable code and status.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GatewayError, toGatewayError } from "../../../gateway/errors.ts";
import { readJsonBody, readValidBody, validate, zodMessage } from "../../../gateway/http/json-body.ts";

const schema = z.object({ name: z.string().min(1), count: z.number().int().default(1) });

/** An app that answers the parsed body, or the error's code, status and message. */
function app(o: { limit?: number; emptyAs?: unknown } = {}): Hono {
  const a = new Hono();
  a.post("/valid", async (c) => c.json(await readValidBody(c, schema, { limit: o.limit ?? 1024, ...o })));
  a.post("/raw", async (c) => c.json(await readJsonBody(c, { limit: o.limit ?? 1024, ...o })));
  a.onError((e, c) => {
    const ge = toGatewayError(e);
    return c.json({ code: ge.code, status: ge.status, message: ge.message }, 418);
  });
  return a;
}

const post = async (a: Hono, path: string, body: BodyInit) =>
  (await (await a.request(path, { method: "POST", body })).json()) as Record<string, unknown>;

describe("readValidBody", () => {
  it("returns the schema's output (defaults applied) and keeps the text for forwarding", async () => {
    expect(await post(app(), "/valid", '{"name":"a"}')).toEqual({ name: "a", count: 1 });
    expect(await post(app(), "/raw", ' {"x": [1]} ')).toEqual({ text: ' {"x": [1]} ', value: { x: [1] } });
  });

  it("refuses a body that is not JSON with invalid_json (400), whatever its content type", async () => {
    for (const body of ["{not json", "", "  "]) {
      expect(await post(app(), "/valid", body)).toEqual({
        code: "invalid_json",
        status: 400,
        message: "request body is not valid JSON",
      });
    }
  });

  it("reads an empty body as `emptyAs` when one is given", async () => {
    expect(await post(app({ emptyAs: {} }), "/valid", " \n")).toMatchObject({
      code: "invalid_request",
      message: "name: Invalid input: expected string, received undefined",
    });
    expect(await post(app({ emptyAs: { name: "d" } }), "/valid", "")).toEqual({ name: "d", count: 1 });
  });

  it("refuses a schema mismatch with invalid_request (400) naming each issue's path", async () => {
    expect(await post(app(), "/valid", '{"name":"","count":1.5}')).toEqual({
      code: "invalid_request",
      status: 400,
      message:
        "name: Too small: expected string to have >=1 characters; count: Invalid input: expected int, received number",
    });
  });

  it("stops reading a chunked body at the limit: body_too_large (413)", async () => {
    const chunks = new ReadableStream<Uint8Array>({
      pull(ctl) {
        ctl.enqueue(new TextEncoder().encode(`"${"x".repeat(600)}"`));
      },
    });
    const r = await app({ limit: 1024 }).request("/raw", {
      method: "POST",
      body: chunks,
      duplex: "half",
    } as RequestInit);
    expect(await r.json()).toEqual({
      code: "body_too_large",
      status: 413,
      message: "request body exceeds 1024 bytes",
    });
  });
});

describe("zodMessage", () => {
  it("names at most three issues, a root issue without a path", () => {
    const r = z.array(z.string()).safeParse([1, 2, 3, 4, 5]);
    expect(r.success).toBe(false);
    if (r.success) return;
    const m = zodMessage(r.error);
    expect(m.split("; ")).toHaveLength(3);
    expect(m).toMatch(/^0: Invalid input: expected string, received number; 1: /);
    const root = z.string().min(3, "too short").safeParse("a");
    expect(root.success || zodMessage(root.error)).toBe("too short");
  });

  it("is what `validate` throws", () => {
    expect(() => validate(schema, { name: 3 })).toThrow(
      new GatewayError("invalid_request", "name: Invalid input: expected string, received number"),
    );
  });
});
