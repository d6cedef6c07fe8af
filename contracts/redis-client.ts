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
  /** Database number (single node only: a Sentinel URL's path names the primary, a cluster has only database 0). */
  readonly db?: number | undefined;
  /** The Sentinel primary's name. */
  readonly sentinelName?: string | undefined;
  /** The sentinels' own password (`requirepass` in sentinel.conf), when they have one. */
  readonly sentinelPassword?: string | undefined;
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

function parseHost(spec: string, shown: string): { host: string; port: number } {
  // `[::1]:6379`, `host:6379` or `host` (default port). Host text carries no credentials (they end at the last
  // "@"), so it may be quoted.
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(spec);
  if (!m?.[1]) throw new RedisUrlError(`redis URL "${shown}": bad host "${spec}"`);
  const port = m[2] === undefined ? 6379 : Number(m[2]);
  if (!(port > 0 && port < 65_536)) throw new RedisUrlError(`redis URL "${shown}": bad port in "${spec}"`);
  return { host: m[1].replace(/^\[|\]$/g, ""), port };
}

/** The URL with its credentials (everything between "//" and the last "@") masked, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z+]*:\/\/)[^]*@/i, "$1***@");
}

function decode(part: string, shown: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RedisUrlError(`redis URL "${shown}": bad percent-escape in the credentials or path`);
  }
}

/**
 * Parses a Redis URL (see the module comment); `mode`, when given, overrides what the scheme implies. The sentinels'
 * password is not part of the URL (it is usually not the data nodes' one): pass it in `sentinel`.
 */
export function parseRedisUrl(
  url: string,
  mode?: RedisMode,
  sentinel: { password?: string | undefined } = {},
): RedisTarget {
  const shown = redactUrl(url.trim());
  // Credentials run to the last "@" (a password may hold "@" or "/"); query strings are not read.
  const m = /^([a-z+]+:)\/\/(?:([^]*)@)?([^@/?#]+)(?:\/([^?#]*))?$/i.exec(url.trim());
  const scheme = m?.[1] !== undefined ? SCHEMES[m[1].toLowerCase()] : undefined;
  if (!m || !scheme) {
    const why = /[?#]/.test(url.replace(/^[^]*@/, ""))
      ? "query parameters are not supported (set options in the config instead)"
      : "is not redis://, rediss://, redis+cluster:// or redis+sentinel://";
    throw new RedisUrlError(`redis URL "${shown}": ${why}`);
  }
  const [user, pass] = m[2] === undefined ? [] : m[2].split(/:([^]*)/, 2).map((part) => decode(part, shown));
  const nodes = (m[3] ?? "").split(",").map((h) => parseHost(h, shown));
  const resolved = mode ?? scheme.mode ?? "single";
  const path = decode(m[4] ?? "", shown);
  if (resolved === "single" && nodes.length > 1)
    throw new RedisUrlError(
      `redis URL "${shown}" lists several hosts: use redis+cluster:// or redis+sentinel://`,
    );
  if (resolved === "sentinel" && path === "")
    throw new RedisUrlError(`redis URL "${shown}": name the Sentinel primary as the path (/mymaster)`);
  if (resolved === "cluster" && path !== "" && path !== "0")
    throw new RedisUrlError(`redis URL "${shown}": a cluster has only database 0`);
  const db = resolved === "single" && path !== "" ? Number(path) : undefined;
  if (db !== undefined && !Number.isInteger(db))
    throw new RedisUrlError(`redis URL "${shown}": the path must be a database number`);
  return {
    mode: resolved,
    nodes,
    username: user === "" ? undefined : user,
    password: pass === "" ? undefined : pass,
    tls: scheme.tls,
    ...(db !== undefined ? { db } : {}),
    ...(resolved === "sentinel" ? { sentinelName: path, sentinelPassword: sentinel.password } : {}),
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
    // A Cluster queues commands while it is not ready with no bound of its own (the per-node retry limit does not
    // reach that queue): a caller that asked for bounded retries gets a fail-fast client instead, like one node.
    const offline = enableOfflineQueue ?? typeof perNode.maxRetriesPerRequest !== "number";
    return new Cluster([...target.nodes], {
      redisOptions: { ...auth, ...perNode },
      enableOfflineQueue: offline,
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
    return new Redis({
      ...common,
      sentinels: [...target.nodes],
      name: target.sentinelName ?? "mymaster",
      // TLS to the primary the sentinels name (ioredis uses plain TCP there unless told), and to the sentinels.
      ...(target.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
    });
  }
  const [node] = target.nodes;
  return new Redis({ ...common, host: node?.host ?? "127.0.0.1", port: node?.port ?? 6379 });
}

/** Whether the client can take commands now (a cluster is "ready" once its slots are known). */
export function redisUsable(client: RedisClient): boolean {
  return client.status === "ready";
}

/**
 * A Redis reply that says the store cannot serve right now (a cluster without a primary for the slot, a slot being
 * migrated, a replica-less primary refusing writes, a node still loading) rather than that the command was wrong.
 * These are the protocol's error codes, the first word of the reply.
 */
export function isUnavailableReply(e: unknown): boolean {
  return e instanceof Error && /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING|NOREPLICAS)\b/.test(e.message);
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
 * Writes `key` and waits until `replicas` replicas have acknowledged it (Redis `WAIT`, on the connection of the
 * node that serves `key`, as WAIT requires), or `timeoutMs` (at least 1: WAIT 0 would block forever). Returns how
 * many did. The replication stream is ordered, so an acknowledged probe written after another connection's write
 * was answered covers that write too: give this its own connection, since WAIT blocks the connection it runs on.
 */
export async function probeReplicas(
  client: RedisClient,
  key: string,
  replicas: number,
  timeoutMs: number,
): Promise<number> {
  const wait = Math.max(1, Math.ceil(timeoutMs));
  await client.set(key, String(Date.now()), "PX", 60_000);
  if (!(client instanceof Cluster)) return client.wait(replicas, wait);
  let slot = slotCache.get(key);
  if (slot === undefined) {
    slot = Number(await client.cluster("KEYSLOT", key));
    slotCache.set(key, slot);
  }
  const owner = client.slots[slot]?.[0];
  const node = client.nodes("master").find((n) => `${n.options.host}:${n.options.port}` === owner);
  if (node === undefined) return 0;
  return node.wait(replicas, wait);
}

/**
 * Coalesces replication probes: a caller whose write was answered joins the next probe sent after it (one in flight
 * at a time), so a burst of incidents costs one WAIT per round trip, not one each.
 */
export function createReplicationBarrier(probe: () => Promise<number>): () => Promise<number> {
  let inFlight: Promise<number> | undefined;
  let next: Promise<number> | undefined;
  const start = (): Promise<number> => {
    const p = probe().finally(() => {
      if (inFlight === p) inFlight = undefined;
    });
    inFlight = p;
    return p;
  };
  return () => {
    if (inFlight === undefined) return start();
    next ??= inFlight
      .catch(() => 0)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}

/**
 * Resolves true once the client can take commands, false after `timeoutMs`. For callers whose client fails fast
 * while not ready (a cluster with bounded retries has no offline queue): wait here once, at start.
 */
export function whenUsable(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (redisUsable(client)) return Promise.resolve(true);
  return new Promise((res) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      client.off("ready", onReady);
      res(ok);
    };
    const onReady = (): void => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.on("ready", onReady);
  });
}
