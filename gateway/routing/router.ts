/** Model routing: the first route whose glob matches the model and whose upstream speaks the client's dialect. */
import type { Config, Dialect } from "../config/schema.ts";

export interface RouteMatch {
  readonly upstream: string;
  readonly asl: 2 | 3;
}

export interface Router {
  match(model: string, dialect: Dialect): RouteMatch | undefined;
  /** Model patterns served for a dialect, for `GET /v1/models`. */
  patterns(dialect: Dialect): string[];
}

function globToRegex(glob: string): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${body}$`);
}

/** Compiles the routes once. */
export function createRouter(config: Pick<Config, "routes" | "upstreams">): Router {
  const routes = config.routes.map((r) => ({
    regex: globToRegex(r.match),
    match: r.match,
    upstream: r.upstream,
    asl: r.asl,
    dialect: config.upstreams[r.upstream]?.dialect,
  }));
  const cache = new Map<string, RouteMatch | null>();
  return {
    match(model, dialect) {
      const cacheKey = `${dialect}\0${model}`;
      let hit = cache.get(cacheKey);
      if (hit === undefined) {
        const r = routes.find((x) => x.dialect === dialect && x.regex.test(model));
        hit = r ? { upstream: r.upstream, asl: r.asl } : null;
        if (cache.size < 10_000) cache.set(cacheKey, hit);
      }
      return hit ?? undefined;
    },
    patterns: (dialect) => routes.filter((r) => r.dialect === dialect).map((r) => r.match),
  };
}
