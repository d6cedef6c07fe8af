/**
 * The staff side of the gateway: the review API (`/review/api`), the review console (`/review`) and the admin API
 * (`/admin/api`), over the replicated state, the review store and the audit log. Building it needs everything it
 * serves, so it is built last and cannot be built early; its only resource of its own is the enforcement queue
 * that reviewer decisions feed.
 */
import { Queue } from "bullmq";
import type { Hono } from "hono";
import type { Logger } from "pino";
import type { AuditLog } from "../../contracts/audit-log.ts";
import { ENFORCEMENT_QUEUE } from "../../contracts/incident.ts";
import { redisUsable, type RedisClient } from "../../contracts/redis-client.ts";
import type { RedisKeys } from "../../contracts/redis-keys.ts";
import type { Config } from "../../config/schema.ts";
import type { AppEnv } from "../env.ts";
import { createReviewActions } from "../review/actions.ts";
import { createReviewApi } from "../review/api.ts";
import { createConsole } from "../review/console.tsx";
import { createReviewStore } from "../review/review-store.ts";
import { createSessionStore } from "../review/sessions.ts";
import { createTokenAuth } from "../review/tokens.ts";
import { createSpecificityCheck } from "../signatures/specificity.ts";
import { createAdminApi } from "./api.ts";
import { createPolicyChanges } from "./policy-changes.ts";
import type { ReplicatedState } from "./replicated-state.ts";

export interface StaffRoutesOptions {
  config: Pick<Config, "review" | "policies" | "server" | "redis">;
  logger: Logger;
  command: RedisClient;
  keys: RedisKeys;
  state: ReplicatedState;
  audit: AuditLog;
}

export interface StaffRoutes {
  /** Mounts the three sub-apps (pass to `createApp`). */
  register(app: Hono<AppEnv>): void;
  close(): Promise<void>;
}

export function createStaffRoutes(o: StaffRoutesOptions): StaffRoutes {
  const { config, logger, command, state, audit } = o;
  const tokens = createTokenAuth(config.review.tokens);
  const store = createReviewStore({ redis: command, keys: o.keys, leaseSeconds: config.review.leaseSeconds });
  const enforcement = new Queue(ENFORCEMENT_QUEUE, { connection: command, prefix: config.redis.prefix });
  enforcement.on("error", (e: Error) => logger.warn({ err: e.message }, "enforcement queue error"));
  const actions = createReviewActions({
    store,
    audit,
    keyAdmin: state.keyAdmin,
    signatures: state.signatures,
    enforcement,
    specificity: createSpecificityCheck(),
  });
  const sessions = createSessionStore({
    redis: command,
    keys: o.keys,
    tokens,
    ttlSeconds: config.review.sessionTtlSeconds,
  });
  const policyChanges = createPolicyChanges({
    redis: command,
    keys: o.keys,
    policies: state.policies,
    audit,
    publish: () => state.publish("policies"),
  });
  const common = {
    onInternalError: (e: unknown) => logger.error({ err: e }, "review/admin API error"),
    // Read when an error is mapped: an unexpected failure while the client cannot take commands is a 503.
    redisReady: () => redisUsable(command),
    bodyLimitBytes: config.server.bodyLimitBytes,
  };
  const reviewApi = createReviewApi({ tokens, store, actions, signatures: state.signatures, ...common });
  const consoleApp = createConsole({
    tokens,
    sessions,
    store,
    actions,
    signatures: state.signatures,
    secureCookies: config.review.secureCookies,
    ...common,
  });
  const adminApi = createAdminApi({
    tokens,
    keyStore: state.keys,
    keyAdmin: state.keyAdmin,
    signatures: state.signatures,
    actions,
    policyChanges,
    audit,
    policyNames: Object.keys(config.policies),
    ...common,
  });
  return {
    register(app) {
      app.route("/review/api", reviewApi);
      app.route("/admin/api", adminApi);
      app.route("/review", consoleApp);
    },
    async close() {
      await enforcement
        .close()
        .catch((e: unknown) => logger.warn({ err: e }, "enforcement queue close failed"));
    },
  };
}
