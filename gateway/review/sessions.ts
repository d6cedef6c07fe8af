/**
 * Review console sessions in Redis. The console cookie carries a random session id (256 bits), never the bearer
 * token; Redis keeps, under the SHA-256 of that id and with the session TTL, the SHA-256 of the token that logged
 * in. Each request re-checks that token hash against the configured tokens, so a token that expires or is removed
 * from the config ends its sessions too. Logout deletes the record, so the old cookie stops working at once on
 * every replica.
 */
import { randomBytes } from "node:crypto";
import type { RedisClient } from "../../contracts/redis-client.ts";
import { z } from "zod";
import type { RedisKeys } from "../../contracts/redis-keys.ts";
import { hashKey } from "../../contracts/key-hash.ts";
import type { TokenAuth, TokenCheck } from "./tokens.ts";

const sessionSchema = z.object({ token: z.string(), createdAt: z.string() });

export interface SessionStore {
  /** Starts a session for an already checked token; returns the cookie value. */
  create(token: string): Promise<string>;
  /** The principal behind a cookie value; `unknown` when there is no such (or an ended) session. */
  check(sessionId: string, now?: number): Promise<TokenCheck>;
  /** Ends the session (a no-op for an unknown id). */
  destroy(sessionId: string): Promise<void>;
}

export interface SessionStoreOptions {
  redis: RedisClient;
  keys: RedisKeys;
  tokens: TokenAuth;
  /** How long a session lasts after login. */
  ttlSeconds: number;
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Creates the store over an ioredis command connection. */
export function createSessionStore(o: SessionStoreOptions): SessionStore {
  const key = (sessionId: string) => o.keys.reviewSession(hashKey(sessionId));
  return {
    async create(token) {
      const sessionId = randomBytes(32).toString("base64url");
      const record = { token: hashKey(token), createdAt: new Date().toISOString() };
      await o.redis.set(key(sessionId), JSON.stringify(record), "EX", o.ttlSeconds);
      return sessionId;
    },
    async check(sessionId, now) {
      if (!SESSION_ID.test(sessionId)) return { ok: false, reason: "unknown" };
      const raw = await o.redis.get(key(sessionId));
      const parsed = raw === null ? undefined : sessionSchema.safeParse(JSON.parse(raw));
      if (!parsed?.success) return { ok: false, reason: "unknown" };
      return o.tokens.checkHash(parsed.data.token, now);
    },
    async destroy(sessionId) {
      if (SESSION_ID.test(sessionId)) await o.redis.del(key(sessionId));
    },
  };
}
