/**
 * The gateway process's composition root (CONVENTIONS 1): the only module that reads the environment, starts the
 * embedded Redis and demo upstream, loads models and opens the server.
 *
 * Usage: `npm start` (embedded default, loopback only unless `PORTCULLIS_DEMO_PUBLIC=1`) or
 * `PORTCULLIS_CONFIG=portcullis.yaml npm start`.
 */
import { serve, type ServerType } from "@hono/node-server";
import type { Hono } from "hono";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { loadDotEnv, parseGatewayArgs } from "../config/cli.ts";
import { demoBindRefusal, embeddedConfig } from "../config/embedded.ts";
import { openConfiguredAudit } from "../config/audit.ts";
import { ConfigError, loadConfig, readConfigFile, unknownClassifiers } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { createEventRedactor } from "../contracts/redact.ts";
import {
  connectRedis,
  parseRedisUrl,
  redisUsable,
  whenUsable,
  type RedisClient,
} from "../contracts/redis-client.ts";
import { createApp } from "./app.ts";
import { createDrain, CUT_GRACE_MS, STOP_MS, watchNpmParent } from "./lifecycle/drain.ts";
import {
  clusterMetricsOptions,
  gatewayProcessCount,
  isClusterPrimary,
  isClusterWorker,
  runClusterPrimary,
} from "./cluster.ts";
import { DataDirLockedError, lockDataDir, reapOrphan } from "./embedded/data-dir-lock.ts";
import { startDemoUpstream, type DemoUpstream } from "./embedded/demo-upstream/server.ts";
import {
  redisPidFile,
  redisServerAvailable,
  startRedisChild,
  type RedisChild,
} from "./embedded/redis-child.ts";
import {
  createIncidentResponse,
  createSignatures,
  type IncidentRedis,
  type IncidentResponse,
} from "./admin/incident-response.ts";
import { createSignatureClassifier } from "../classifiers/signatures/classifier.ts";
import { redisKeys } from "../contracts/redis-keys.ts";
import { createShutdownHooks, type ShutdownHooks } from "../contracts/shutdown.ts";
import type { AppEnv, Deps } from "./env.ts";
import { startWorkerChild, type WorkerChild } from "./incidents/worker-child.ts";
import { createDeepScanSubmitter } from "./incidents/deep-scan-submitter.ts";
import { createSpool, createSpoolProducer } from "./incidents/spool.ts";
import { PROJECT_ROOT } from "./fs/project-root.ts";
import { createStaticKeyStore } from "./keys/key-store.ts";
import { createMetrics } from "./observability/metrics.ts";
import { createModelList } from "./routing/model-list.ts";
import { createRouter } from "./routing/router.ts";
import { resolvePolicies } from "./screening/policy.ts";
import { buildRegistry } from "./screening/registry.ts";
import { createScreener } from "./screening/screener.ts";
import { createUpstreams } from "./upstream/upstreams.ts";

interface Runtime {
  config: Config;
  /** The config file, when one was given (the worker child loads the same one). */
  configPath?: string;
  demo?: DemoUpstream;
  redis?: RedisChild;
  redisUrl?: string;
}

async function loadRuntime(configPath: string | undefined, env: NodeJS.ProcessEnv): Promise<Runtime> {
  if (configPath !== undefined) {
    return { config: loadConfig({ raw: readConfigFile(configPath), source: configPath, env }), configPath };
  }
  const allowPublic = env.PORTCULLIS_DEMO_PUBLIC === "1" || env.PORTCULLIS_DEMO_PUBLIC === "true";
  const embedded = (demoUrl: string): Config => {
    const config = loadConfig({ raw: embeddedConfig(demoUrl), source: "embedded default", env });
    const refusal = demoBindRefusal(config.server.host, allowPublic);
    if (refusal !== undefined) throw new ConfigError(refusal);
    return config;
  };
  // A cluster worker uses the demo upstream its primary started.
  const demoUrl = env.PORTCULLIS_DEMO_UPSTREAM_URL;
  if (demoUrl) return { config: embedded(demoUrl) };
  const demo = await startDemoUpstream({ port: 0, record: false });
  try {
    return { config: embedded(demo.url), demo };
  } catch (e: unknown) {
    await demo.close();
    throw e;
  }
}

async function startRedis(rt: Runtime, logger: Logger): Promise<void> {
  if (rt.config.redis.url !== undefined) {
    rt.redisUrl = rt.config.redis.url;
    return;
  }
  if (!redisServerAvailable()) {
    logger.warn(
      "REDIS_URL is not set and no redis-server binary was found (install it, e.g. `apt-get install redis-server`, " +
        "or set REDIS_URL): incidents will be kept in the local spool only",
    );
    return;
  }
  const redisDir = join(rt.config.dataDir, "redis");
  // A redis-server left running by a previous gateway on this data directory (killed before it could stop it):
  // this process holds the directory's lock now, so the orphan is ours to stop before starting our own.
  if (await reapOrphan(redisPidFile(redisDir), "redis-server")) {
    logger.warn("stopped a redis-server left running by a previous gateway on this data directory");
  }
  rt.redis = await startRedisChild({ dataDir: redisDir });
  rt.redisUrl = rt.redis.url;
  // The URL carries the password: log where it listens, never the URL.
  logger.info({ redis: `127.0.0.1:${rt.redis.port}` }, "started embedded redis-server");
}

/** The gateway's Redis connections: commands, a fail-fast producer (CONVENTIONS 11), and a subscriber. */
function openRedis(config: Config["redis"], url: string, logger: Logger): IncidentRedis {
  const quiet = (name: string) => (e: Error) => logger.debug({ err: e.message, conn: name }, "redis error");
  const target = parseRedisUrl(url, config.mode, { password: config.sentinelPassword });
  const command = connectRedis(target, { maxRetriesPerRequest: 1, lazyConnect: false });
  const producer = connectRedis(target, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
  });
  const subscriber = connectRedis(target, { maxRetriesPerRequest: null });
  command.on("error", quiet("command"));
  producer.on("error", quiet("producer"));
  subscriber.on("error", quiet("subscriber"));
  if (config.replicaAcks === 0) return { command, producer, subscriber };
  const replication = connectRedis(target, { maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  replication.on("error", quiet("replication"));
  return { command, producer, subscriber, replication };
}

type BuiltDeps = Deps & {
  setReady(v: boolean): void;
  /** Adds a condition `ready()` also needs (the supervised worker process, Redis when so configured). */
  requireAlso(check: () => boolean): void;
  ir?: IncidentResponse;
  redis?: IncidentRedis;
};

/** Builds everything a gateway process serves with; each part that needs stopping adds its shutdown hook. */
async function buildDeps(
  rt: Runtime,
  logger: Logger,
  env: NodeJS.ProcessEnv,
  hooks: ShutdownHooks,
): Promise<BuiltDeps> {
  const { config } = rt;
  const metrics = createMetrics(clusterMetricsOptions());
  const spool = createSpool(join(config.dataDir, "spool", "incidents.jsonl"));
  const redactEvent = createEventRedactor(config.incidents.redact);
  const redis = rt.redisUrl !== undefined ? openRedis(config.redis, rt.redisUrl, logger) : undefined;
  if (redis) {
    hooks.add("redis connections", () => {
      for (const conn of Object.values<RedisClient>({ ...redis })) conn.disconnect();
    });
  }
  const rk = redisKeys(config.redis.prefix);
  // The signature store comes first: the registry's `signatures` classifier reads it, and policies resolve
  // against the registry; the incident side then gets all three, built.
  const signatures = redis ? createSignatures(redis.command, rk) : undefined;
  const registry = await buildRegistry({
    configured: config.classifiers,
    modelsDir: env.PORTCULLIS_MODELS_DIR ?? join(PROJECT_ROOT, "models"),
    env,
    extra: signatures
      ? [
          {
            classifier: createSignatureClassifier({ index: () => signatures.index() }),
            info: { name: "signatures", kind: "signatures" },
          },
        ]
      : [],
    metrics,
  });
  hooks.add("classifiers", () =>
    Promise.allSettled([...registry.classifiers.values()].map((c) => c.close?.() ?? Promise.resolve())),
  );
  const missing = unknownClassifiers(config, new Set(registry.classifiers.keys()));
  if (missing.length > 0)
    throw new ConfigError(`classifiers not available:\n${missing.map((m) => `  ${m}`).join("\n")}`);
  const policies = resolvePolicies(config.policies, registry.infos);
  const ir =
    redis && signatures
      ? createIncidentResponse({
          config,
          logger,
          metrics,
          redis,
          keys: rk,
          spool,
          audit: openConfiguredAudit(config, env, logger),
          signatures,
          policies: { live: policies, infos: registry.infos },
        })
      : undefined;
  const incidents =
    ir?.producer ??
    createSpoolProducer(spool, (e) => logger.error({ err: e }, "incident spool write failed"), redactEvent);
  hooks.add("incident producer and staff routes", () => (ir ?? incidents).close());
  const deepScan =
    redis && config.deepScan.judge
      ? createDeepScanSubmitter({
          connection: redis.producer,
          prefix: config.redis.prefix,
          sampleRate: config.deepScan.sampleRate,
          uncertain: config.deepScan.uncertain,
          enqueueTimeoutMs: config.incidents.enqueueTimeoutMs,
          redact: redactEvent,
          metrics,
          logger,
        })
      : undefined;
  if (deepScan) hooks.add("deep-scan submitter", () => deepScan.close());
  const router = createRouter(config);
  const upstreams = createUpstreams(config, env);
  hooks.add("upstream pools", () => Promise.allSettled([...upstreams.values()].map((u) => u.close())));
  let ready = false;
  const also: (() => boolean)[] = [];
  return {
    ...(ir && redis ? { ir, redis } : {}),
    config,
    logger,
    metrics,
    keys: ir?.state.keys ?? createStaticKeyStore(config.keys),
    router,
    modelList: createModelList({
      router,
      fetchIds: (name) => upstreams.get(name)?.listModels(AbortSignal.timeout(5_000)) ?? Promise.resolve([]),
      onFailure: (upstream, e) => logger.warn({ upstream, err: e }, "upstream model list unavailable"),
    }),
    upstreams,
    policies,
    classifiers: registry.classifiers,
    screener: createScreener({ classifiers: registry.classifiers, metrics }),
    ...(deepScan ? { deepScan } : {}),
    incidents,
    ready: () => ready && also.every((check) => check()),
    setReady: (v) => {
      ready = v;
    },
    requireAlso: (check) => {
      also.push(check);
    },
  };
}

/** Listens on `server.host:port`; a port in use or a host that cannot be bound is a one-line `StartError`. */
function listen(
  deps: Deps,
  extra: ((app: Hono<AppEnv>) => void)[],
): Promise<{ server: ServerType; url: string }> {
  const { host, port } = deps.config.server;
  return new Promise((res, rej) => {
    const server = serve({ fetch: createApp(deps, extra).fetch, hostname: host, port }, (info) => {
      res({ server, url: `http://${host}:${info.port}` });
    });
    server.once("error", (e: NodeJS.ErrnoException) => {
      const why =
        e.code === "EADDRINUSE"
          ? `port ${port} on ${host} is already in use (set PORT or server.port)`
          : `cannot listen on ${host}:${port}: ${e.code ?? e.message}`;
      rej(new StartError(why));
    });
  });
}

/** A start-up problem the operator can fix, reported as one line without a stack. */
class StartError extends Error {
  override readonly name = "StartError";
}

/** Spawns the worker process over the same Redis and config, unless `--no-workers` or there is no Redis. */
function startWorkers(
  rt: Runtime,
  o: { noWorkers: boolean; env: NodeJS.ProcessEnv; logger: Logger },
): WorkerChild | undefined {
  if (o.noWorkers || rt.redisUrl === undefined) return undefined;
  return startWorkerChild({
    logger: o.logger,
    env: {
      ...o.env,
      REDIS_URL: rt.redisUrl,
      PORTCULLIS_REDIS_PREFIX: rt.config.redis.prefix,
      PORTCULLIS_DATA_DIR: rt.config.dataDir,
      ...(rt.configPath !== undefined ? { PORTCULLIS_CONFIG: rt.configPath } : {}),
    },
  });
}

/** Cluster mode: this process owns Redis, the demo upstream and the incident workers, and forks the gateways. */
function startCluster(rt: Runtime, logger: Logger, noWorkers: boolean): void {
  const workers = startWorkers(rt, { noWorkers, env: process.env, logger });
  const { host, port } = rt.config.server;
  runClusterPrimary({
    count: gatewayProcessCount(rt.config.server.workers),
    logger,
    dataDir: rt.config.dataDir,
    url: `http://${host}:${port}`,
    env: {
      ...(rt.redisUrl !== undefined ? { REDIS_URL: rt.redisUrl } : {}),
      ...(rt.demo ? { PORTCULLIS_DEMO_UPSTREAM_URL: rt.demo.url } : {}),
    },
    stopOwned: async () => {
      await workers?.stop();
      await rt.demo?.close();
      await rt.redis?.stop();
    },
    // Each gateway process drains, cuts at its deadline and closes its connections (a few ms) before this.
    stopTimeoutMs: rt.config.server.drainSeconds * 1000 + CUT_GRACE_MS + 5_000,
  });
}

async function main(): Promise<void> {
  const args = parseGatewayArgs();
  loadDotEnv();
  const env = process.env;
  let rt: Runtime;
  try {
    rt = await loadRuntime(args.config ?? env.PORTCULLIS_CONFIG, env);
  } catch (e: unknown) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`portcullis: ${e.message}\n`);
    process.exit(1);
  }
  const logger = pino({ level: rt.config.log.level, base: { svc: "gateway", pid: process.pid } });
  if (!isClusterWorker()) lockDataDir(rt.config.dataDir);
  await startRedis(rt, logger);
  if (isClusterPrimary(rt.config.server.workers)) return startCluster(rt, logger, args.noWorkers);
  // Run last-added first once the server has closed: see contracts/shutdown.ts.
  const hooks = createShutdownHooks({
    timeoutMs: STOP_MS,
    onError: (step, e) => logger.warn({ err: e, step }, "shutdown step failed"),
    onTimeout: (step) => logger.error({ step }, "shutdown did not finish in time"),
  });
  hooks.add("embedded redis-server", () => rt.redis?.stop());
  hooks.add("demo upstream", () => rt.demo?.close());
  // A start that fails past this point stops what it built (the redis-server child, the demo upstream...) first.
  const deps = await buildDeps(rt, logger, env, hooks).catch(async (e: unknown) => {
    await hooks.run();
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`portcullis: ${e.message}\n`);
    process.exit(1);
  });
  const { server, url } = await (async () => {
    // The first load of keys, signatures and policy overrides needs Redis; a cluster client fails fast until it
    // knows its slots. If Redis is away the gateway still starts (incidents spool) and the periodic reload catches up.
    if (deps.redis && !(await whenUsable(deps.redis.command, 5_000)))
      logger.warn("Redis not reachable at start: serving config keys until it is; incidents go to the spool");
    await deps.ir?.start();
    return listen(deps, deps.ir ? [deps.ir.register] : []);
  })().catch(async (e: unknown) => {
    await hooks.run();
    throw e;
  });
  const noWorkers = args.noWorkers || isClusterWorker();
  const workers = startWorkers(rt, { noWorkers, env, logger });
  if (workers) {
    deps.requireAlso(() => workers.healthy());
    hooks.add("worker process", () => workers.stop());
  }
  const command = deps.redis?.command;
  if (command && !deps.config.server.readyWhenRedisDown) deps.requireAlso(() => redisUsable(command));
  deps.setReady(true);
  logger.info({ url, demoUpstream: rt.demo?.url, classifiers: [...deps.classifiers.keys()] }, "listening");

  const shutdown = createDrain({ server, deps, setReady: (v) => deps.setReady(v), hooks, logger });
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  watchNpmParent(env, shutdown);
}

main().catch((e: unknown) => {
  if (e instanceof StartError || e instanceof DataDirLockedError) {
    process.stderr.write(`portcullis: ${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `portcullis: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
