/** Model routing: the first route whose glob matches the model and whose upstream speaks the client's dialect. */
import type { Config, Dialect } from "../../config/schema.ts";

export interface RouteMatch {
  readonly upstream: string;
  readonly asl: 2 | 3;
}

/** A configured route as the model list sees it. */
export interface RouteInfo {
  readonly match: string;
  readonly upstream: string;
  /** Ids listed for this route (config `models`, else the literal `match`); `undefined` for an unlisted glob. */
  readonly models: readonly string[] | undefined;
  /** Whether the route's glob matches a model id. */
  readonly matches: (model: string) => boolean;
}

export interface Router {
  match(model: string, dialect: Dialect): RouteMatch | undefined;
  /** The routes whose upstream speaks `dialect`, in order, for `GET /v1/models`. */
  routes(dialect: Dialect): readonly RouteInfo[];
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
    models: r.models ?? (r.match.includes("*") ? undefined : [r.match]),
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
    routes: (dialect) =>
      routes
        .filter((r) => r.dialect === dialect)
        .map((r) => ({
          match: r.match,
          upstream: r.upstream,
          models: r.models,
          matches: (model: string) => r.regex.test(model),
        })),
  };
}
