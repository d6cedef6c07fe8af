/**
 * The model ids a dialect's clients may use, for `GET /v1/models`: each route's configured `models`, a literal
 * `match` itself, and for a glob without `models` the upstream's own list filtered by the glob. Upstream lists are
 * cached (`ttlMs`); an upstream that cannot list contributes nothing until the next try.
 */
import type { Dialect } from "../../config/schema.ts";
import type { Router } from "./router.ts";

/** Fetches an upstream's own model ids; rejects when the upstream cannot list. */
export type UpstreamModelIds = (upstream: string) => Promise<readonly string[]>;

export interface ModelList {
  /** Distinct ids in route order. */
  ids(dialect: Dialect): Promise<string[]>;
}

export interface ModelListOptions {
  readonly router: Router;
  readonly fetchIds: UpstreamModelIds;
  /** How long an upstream's list is reused. @defaultValue 60000 */
  readonly ttlMs?: number;
  /** How long a failed listing is not retried. @defaultValue 5000 */
  readonly failureTtlMs?: number;
  readonly onFailure?: (upstream: string, e: unknown) => void;
}

interface CacheEntry {
  readonly until: number;
  readonly ids: Promise<readonly string[]>;
}

export function createModelList(opts: ModelListOptions): ModelList {
  const { router, fetchIds, ttlMs = 60_000, failureTtlMs = 5_000 } = opts;
  const cache = new Map<string, CacheEntry>();
  function upstreamIds(upstream: string): Promise<readonly string[]> {
    const hit = cache.get(upstream);
    if (hit && hit.until > Date.now()) return hit.ids;
    const ids = fetchIds(upstream).catch((e: unknown) => {
      opts.onFailure?.(upstream, e);
      cache.set(upstream, { until: Date.now() + failureTtlMs, ids: Promise.resolve([]) });
      return [];
    });
    cache.set(upstream, { until: Date.now() + ttlMs, ids });
    return ids;
  }
  return {
    async ids(dialect) {
      const lists = await Promise.all(
        router
          .routes(dialect)
          .map(async (r) => r.models ?? (await upstreamIds(r.upstream)).filter((id) => r.matches(id))),
      );
      return [...new Set(lists.flat())];
    },
  };
}
