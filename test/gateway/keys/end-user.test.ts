/**
 * End-user identity: which field names the end user in each dialect, the header fallback, the length cap, and the
 * key-scoped hash that enforcement uses instead of the raw id.
 */
import { describe, expect, it } from "vitest";
import {
  END_USER_MAX_CHARS,
  endUserHash,
  endUserOf,
  identifyEndUser,
} from "../../../gateway/keys/end-user.ts";

describe("end-user identity", () => {
  it("reads OpenAI safety_identifier before user, and Anthropic metadata.user_id", () => {
    const openai = (body: unknown) => endUserOf({ dialect: "openai", body, header: undefined });
    expect(openai({ user: "u-1" })).toBe("u-1");
    expect(openai({ user: "u-1", safety_identifier: "s-1" })).toBe("s-1");
    expect(openai({ metadata: { user_id: "m-1" } })).toBeUndefined();
    const anthropic = (body: unknown) => endUserOf({ dialect: "anthropic", body, header: undefined });
    expect(anthropic({ metadata: { user_id: "m-1" } })).toBe("m-1");
    expect(anthropic({ user: "u-1" })).toBeUndefined();
  });

  it("falls back to the header; blank and non-string values name nobody", () => {
    expect(endUserOf({ dialect: "openai", body: {}, header: " h-1 " })).toBe("h-1");
    expect(endUserOf({ dialect: "openai", body: { user: "u-1" }, header: "h-1" })).toBe("u-1");
    expect(endUserOf({ dialect: "openai", body: { user: "  " }, header: undefined })).toBeUndefined();
    expect(endUserOf({ dialect: "openai", body: { user: 42 }, header: "" })).toBeUndefined();
    expect(endUserOf({ dialect: "anthropic", body: { metadata: "x" }, header: undefined })).toBeUndefined();
    expect(endUserOf({ dialect: "openai", body: null, header: undefined })).toBeUndefined();
  });

  it("caps the id's length", () => {
    const long = "x".repeat(END_USER_MAX_CHARS * 4);
    expect(endUserOf({ dialect: "openai", body: { user: long }, header: undefined })).toHaveLength(
      END_USER_MAX_CHARS,
    );
  });

  it("hashes the id under the key: stable, 32 hex characters, different per key, never the raw id", () => {
    const a = identifyEndUser({
      keyId: "k1",
      dialect: "openai",
      body: { user: "bob@example.com" },
      header: undefined,
    });
    expect(a?.id).toBe("bob@example.com");
    expect(a?.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(a?.hash).toBe(endUserHash("k1", "bob@example.com"));
    expect(endUserHash("k2", "bob@example.com")).not.toBe(a?.hash);
    expect(endUserHash("k1", "bob@example.co")).not.toBe(a?.hash);
  });
});
