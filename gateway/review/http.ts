/** Helpers shared by the review and admin JSON APIs: bearer auth into `c.var.principal`, zod-validated bodies. */
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { GatewayError } from "../errors.ts";
import { readBodyBytes } from "../http/node-io.ts";
import { ApiError } from "./api-error.ts";
import { bearerToken, type Principal, type Role, type TokenAuth } from "./tokens.ts";

/** The review/admin sub-apps' Hono env. */
export interface ApiEnv {
  Variables: { principal: Principal };
}

/** Authenticates the bearer token; `role: "admin"` also refuses reviewers. */
export function requireToken({ tokens, role }: { tokens: TokenAuth; role: Role }): MiddlewareHandler<ApiEnv> {
  return async function tokenMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (token === undefined)
      throw new ApiError("unauthorized", "send Authorization: Bearer <review or admin token>");
    const r = tokens.check(token);
    if (!r.ok) {
      throw r.reason === "expired"
        ? new ApiError("token_expired", "this token has expired")
        : new ApiError("unauthorized", "unknown token");
    }
    if (role === "admin" && r.principal.role !== "admin")
      throw new ApiError("forbidden", "this needs an admin token");
    c.set("principal", r.principal);
    await next();
  };
}

/**
 * Reads the body with the gateway's one reader (`readBodyBytes`: at most `limit` bytes are ever held), turning
 * its 413 into the API's own error.
 */
export async function readLimitedBody(c: Context, limit: number): Promise<Buffer> {
  try {
    return await readBodyBytes(c, limit);
  } catch (e: unknown) {
    if (e instanceof GatewayError && e.code === "body_too_large")
      throw new ApiError("body_too_large", e.message, { cause: e });
    throw e;
  }
}

/** Parses the JSON body (at most `limit` bytes) with `schema`; an empty body parses as `{}`. */
export async function readBody<T extends z.ZodType>(
  c: Context,
  schema: T,
  limit: number,
): Promise<z.infer<T>> {
  const text = (await readLimitedBody(c, limit)).toString("utf8");
  let raw: unknown = {};
  if (text.trim().length > 0) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ApiError("invalid_request", "body is not valid JSON");
    }
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ApiError(
      "invalid_request",
      `${first?.path.join(".") || "(body)"}: ${first?.message ?? "invalid"}`,
    );
  }
  return r.data;
}
