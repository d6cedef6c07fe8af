/**
 * The gateway process's composition root (CONVENTIONS 1): the only module that reads the environment, starts the
 * embedded Redis and demo upstream, loads models and opens the server.
 *
 * Usage: `npm start` (embedded default) or `PORTCULLIS_CONFIG=portcullis.yaml npm start`.
 */
import { serve, type ServerType } from "@hono/node-server";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pino, type Logger } from "pino";
import { startMockUpstream, type MockUpstream } from "../bench/mock-upstream/server.ts";
import { createApp } from "./app.ts";
import { embeddedConfig } from "./config/embedded.ts";
import { ConfigError, loadConfig, readConfigFile } from "./config/load.ts";
import type { Config } from "./config/schema.ts";
import { redisServerAvailable, startRedisChild, type RedisChild } from "./embedded/redis-child.ts";
import type { Deps } from "./env.ts";
import { createSpool, createSpoolProducer } from "./incidents/spool.ts";
import { createStaticKeyStore } from "./keys/key-store.ts";
import { createMetrics } from "./observability/metrics.ts";
import { createRouter } from "./routing/router.ts";
import { resolvePolicies } from "./screening/policy.ts";
import { buildRegistry } from "./screening/registry.ts";
import { createScreener } from "./screening/screener.ts";
import { createUpstreams } from "./upstream/upstreams.ts";

interface Runtime {
  config: Config;
  demo?: MockUpstream;
  redis?: RedisChild;
  redisUrl?: string;
}

async function loadRuntime(configPath: string | undefined, env: NodeJS.ProcessEnv): Promise<Runtime> {
  if (configPath !== undefined) {
    return { config: loadConfig({ raw: readConfigFile(configPath), source: configPath, env }) };
  }
  const demo = await startMockUpstream({ port: 0, record: false });
  return { config: loadConfig({ raw: embeddedConfig(demo.url), source: "embedded default", env }), demo };
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
  rt.redis = await startRedisChild({ dataDir: join(rt.config.dataDir, "redis") });
  rt.redisUrl = rt.redis.url;
  logger.info({ redis: rt.redisUrl }, "started embedded redis-server");
}

async function buildDeps(rt: Runtime, logger: Logger, env: NodeJS.ProcessEnv): Promise<Deps & { setReady(v: boolean): void }> {
  const { config } = rt;
  const registry = await buildRegistry({
    configured: config.classifiers,
    modelsDir: env.PORTCULLIS_MODELS_DIR ?? "models",
    env,
  });
  const metrics = createMetrics();
  const spool = createSpool(join(config.dataDir, "spool", "incidents.jsonl"));
  let ready = false;
  return {
    config,
    logger,
    metrics,
    keys: createStaticKeyStore(config.keys),
    router: createRouter(config),
    upstreams: createUpstreams(config, env),
    policies: resolvePolicies(config.policies, registry.infos),
    classifiers: registry.classifiers,
    screener: createScreener({ classifiers: registry.classifiers, metrics }),
    incidents: createSpoolProducer(spool, (e) => logger.error({ err: e }, "incident spool write failed")),
    ready: () => ready,
    setReady: (v) => {
      ready = v;
    },
  };
}

function listen(deps: Deps): Promise<{ server: ServerType; url: string }> {
  const { host, port } = deps.config.server;
  return new Promise((res) => {
    const server = serve({ fetch: createApp(deps).fetch, hostname: host, port }, (info) => {
      res({ server, url: `http://${host}:${info.port}` });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" }, "no-workers": { type: "boolean" } } });
  const env = process.env;
  let rt: Runtime;
  try {
    rt = await loadRuntime(values.config ?? env.PORTCULLIS_CONFIG, env);
  } catch (e: unknown) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`portcullis: ${e.message}\n`);
    process.exit(1);
  }
  const logger = pino({ level: rt.config.log.level, base: { svc: "gateway", pid: process.pid } });
  await startRedis(rt, logger);
  const deps = await buildDeps(rt, logger, env);
  const { server, url } = await listen(deps);
  deps.setReady(true);
  logger.info({ url, demoUpstream: rt.demo?.url, classifiers: [...deps.classifiers.keys()] }, "listening");

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    deps.setReady(false);
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(() => {
      void (async () => {
        await Promise.allSettled([...deps.upstreams.values()].map((u) => u.close()));
        await deps.incidents.close();
        await Promise.allSettled([...deps.classifiers.values()].map((c) => c.close?.()));
        await rt.demo?.close();
        await rt.redis?.stop();
        logger.info("stopped");
        process.exit(0);
      })();
    });
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((e: unknown) => {
  process.stderr.write(`portcullis: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
