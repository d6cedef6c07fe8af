/**
 * One way for every process to reach Redis: a single node, a Sentinel-managed primary or a Redis Cluster, chosen by
 * the URL scheme or an explicit mode. Everything above this module works on `RedisClient` and never asks which.
 *
 * URL forms (credentials optional, `rediss` for TLS):
 * - `redis://[user:pass@]host:port[/db]`                         single node
 * - `redis+cluster://[user:pass@]host:port[,host:port...]`       cluster; the seed nodes, the rest is discovered
 * - `redis+sentinel://[user:pass@]host:port[,host:port...]/name` primary `name` found through the sentinels
 * An explicit mode reads a plain `redis://` URL with a comma-separated host list the same way.
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";

export type RedisClient = Redis | Cluster;
export const REDIS_MODES = ["single", "cluster", "sentinel"] as const;
export type RedisMode = (typeof REDIS_MODES)[number];

export interface RedisTarget {
  readonly mode: RedisMode;
  readonly nodes: readonly { host: string; port: number }[];
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly tls: boolean;
  /** Database number (single node and Sentinel; a cluster has only database 0). */
  readonly db?: number | undefined;
  /** The Sentinel primary's name. */
  readonly sentinelName?: string | undefined;
}

/** Client options the callers choose (retry and queueing behaviour); where to connect comes from the target. */
export type ConnectOptions = Pick<
  RedisOptions,
  "maxRetriesPerRequest" | "enableOfflineQueue" | "connectTimeout" | "lazyConnect" | "retryStrategy"
>;

export class RedisUrlError extends Error {
  override readonly name = "RedisUrlError";
}

const SCHEMES: Readonly<Record<string, { mode: RedisMode | undefined; tls: boolean }>> = {
  "redis:": { mode: undefined, tls: false },
  "rediss:": { mode: undefined, tls: true },
  "redis+cluster:": { mode: "cluster", tls: false },
  "rediss+cluster:": { mode: "cluster", tls: true },
  "redis+sentinel:": { mode: "sentinel", tls: false },
  "rediss+sentinel:": { mode: "sentinel", tls: true },
};

function parseHost(spec: string, url: string): { host: string; port: number } {
  // `[::1]:6379`, `host:6379` or `host` (default port).
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec);
  if (!m?.[1]) throw new RedisUrlError(`redis URL "${redactUrl(url)}": bad host "${spec}"`);
  const port = m[2] === undefined ? 6379 : Number(m[2]);
  if (!(port > 0 && port < 65_536))
    throw new RedisUrlError(`redis URL "${redactUrl(url)}": bad port in "${spec}"`);
  return { host: m[1].replace(/^\[|\]$/g, ""), port };
}

/** The URL with its password replaced, for error messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/i, "$1***@");
}

/** Parses a Redis URL (see the module comment); `mode`, when given, overrides what the scheme implies. */
export function parseRedisUrl(url: string, mode?: RedisMode): RedisTarget {
  const m = /^([a-z+]+:)\/\/(?:([^@/]*)@)?([^/?#]+)(?:\/([^?#]*))?$/i.exec(url.trim());
  const scheme = m?.[1] !== undefined ? SCHEMES[m[1].toLowerCase()] : undefined;
  if (!m || !scheme) {
    throw new RedisUrlError(
      `redis URL "${redactUrl(url)}" is not redis://, rediss://, redis+cluster:// or redis+sentinel://`,
    );
  }
  const [user, pass] = m[2] === undefined ? [] : m[2].split(/:(.*)/s, 2).map((s) => decodeURIComponent(s));
  const nodes = (m[3] ?? "").split(",").map((h) => parseHost(h, url));
  const resolved = mode ?? scheme.mode ?? "single";
  const path = m[4] ?? "";
  if (resolved === "single" && nodes.length > 1)
    throw new RedisUrlError(
      `redis URL "${redactUrl(url)}" lists several hosts: use redis+cluster:// or redis+sentinel://`,
    );
  if (resolved === "sentinel" && path === "")
    throw new RedisUrlError(
      `redis URL "${redactUrl(url)}": name the Sentinel primary as the path (/mymaster)`,
    );
  if (resolved === "cluster" && path !== "" && path !== "0")
    throw new RedisUrlError(`redis URL "${redactUrl(url)}": a cluster has only database 0`);
  const db = resolved === "single" && path !== "" ? Number(path) : undefined;
  if (db !== undefined && !Number.isInteger(db))
    throw new RedisUrlError(`redis URL "${redactUrl(url)}": the path must be a database number`);
  return {
    mode: resolved,
    nodes,
    username: user === "" ? undefined : user,
    password: pass === "" ? undefined : pass,
    tls: scheme.tls,
    ...(db !== undefined ? { db } : {}),
    ...(resolved === "sentinel" ? { sentinelName: decodeURIComponent(path) } : {}),
  };
}

/**
 * Opens a client for the target. Cluster clients follow MOVED/ASK and failovers themselves (slot refresh, retry on
 * CLUSTERDOWN); `enableOfflineQueue: false` keeps its fail-fast meaning on every mode.
 */
export function connectRedis(target: RedisTarget, o: ConnectOptions = {}): RedisClient {
  const auth = {
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
  };
  const { enableOfflineQueue, lazyConnect, retryStrategy, ...perNode } = o;
  if (target.mode === "cluster") {
    return new Cluster([...target.nodes], {
      redisOptions: { ...auth, ...perNode },
      ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      ...(retryStrategy !== undefined ? { clusterRetryStrategy: retryStrategy } : {}),
      // A failover takes the cluster-node-timeout plus an election: retry moved/down slots rather than fail.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 300,
      slotsRefreshTimeout: 2_000,
    });
  }
  const common = {
    ...auth,
    ...o,
    ...(target.db !== undefined ? { db: target.db } : {}),
  };
  if (target.mode === "sentinel") {
    return new Redis({ ...common, sentinels: [...target.nodes], name: target.sentinelName ?? "mymaster" });
  }
  const [node] = target.nodes;
  return new Redis({ ...common, host: node?.host ?? "127.0.0.1", port: node?.port ?? 6379 });
}

/** Whether the client can take commands now (a cluster counts once its slots are known). */
export function redisUsable(client: RedisClient): boolean {
  return client.status === "ready" || (client instanceof Cluster && client.status === "connect");
}

/** `PORTCULLIS_REDIS_MODE` for the command-line tools that read no config file; unset or empty = from the URL. */
export function redisModeFromEnv(value: string | undefined): RedisMode | undefined {
  if (value === undefined || value === "") return undefined;
  const mode = REDIS_MODES.find((m) => m === value);
  if (mode === undefined)
    throw new RedisUrlError(`PORTCULLIS_REDIS_MODE must be one of ${REDIS_MODES.join(", ")}`);
  return mode;
}

/** Slot of each key asked about (a key's slot never changes; the callers ask about one or two fixed keys). */
const slotCache = new Map<string, number>();

/**
 * Waits until `replicas` replicas have acknowledged every write this client sent to the node that serves `key`
 * (Redis `WAIT`, sent on that node's own connection, as WAIT requires), or until `timeoutMs`. Returns how many did.
 * With asynchronous replication this is what turns "the primary has it" into "a failover keeps it".
 */
export async function waitForReplicas(
  client: RedisClient,
  key: string,
  replicas: number,
  timeoutMs: number,
): Promise<number> {
  if (!(client instanceof Cluster)) return client.wait(replicas, timeoutMs);
  let slot = slotCache.get(key);
  if (slot === undefined) {
    slot = Number(await client.cluster("KEYSLOT", key));
    slotCache.set(key, slot);
  }
  const owner = client.slots[slot]?.[0];
  const node = client.nodes("master").find((n) => `${n.options.host}:${n.options.port}` === owner);
  if (node === undefined) return 0;
  return node.wait(replicas, timeoutMs);
}
