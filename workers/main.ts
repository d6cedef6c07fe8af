/**
 * The worker process's composition root (CONVENTIONS 1): reads the environment and config, opens Redis, starts
 * the intake, enforcement and (when a judge is configured) deep-scan workers and the server of `/metrics`,
 * `/livez` and `/readyz`, and closes everything on SIGTERM/SIGINT.
 *
 * Usage: started by `npm start` alongside the gateway, or alone with `REDIS_URL=... npm run start:workers`.
 */
import { Queue, Worker, type Processor } from "bullmq";
import { pino, type Logger } from "pino";
import { createJudgeClassifier } from "../classifiers/judge/judge-classifier.ts";
import { createAuditLog } from "../contracts/audit-log.ts";
import { DEEP_SCAN_QUEUE, ENFORCEMENT_QUEUE, INCIDENT_QUEUE } from "../contracts/incident.ts";
import { connectRedis, parseRedisUrl, redisUsable, type RedisClient } from "../contracts/redis-client.ts";
import { redisKeys } from "../contracts/redis-keys.ts";
import { createShutdownHooks } from "../contracts/shutdown.ts";
import type { Rule } from "../classifiers/rules.ts";
import { DEFAULT_RULES } from "../config/default-rules.ts";
import { loadDotEnv } from "../config/cli.ts";
import { openConfiguredAudit } from "../config/audit.ts";
import { embeddedConfig } from "../config/embedded.ts";
import { ConfigError, loadConfig, readConfigFile } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { createDeepScanProcessor } from "./deep-scan/deep-scan.ts";
import { createEnforcementProcessor, postWebhook } from "./enforcement/enforcement.ts";
import { createIntakeProcessor, storeIncident, type IntakeOptions } from "./intake/intake.ts";
import { createRedactor } from "../contracts/redact.ts";
import { createRuleLocator } from "./intake/span.ts";
import {
  createWorkerMetrics,
  serveMetrics,
  type JobQueueLabel,
  type Readiness,
  type WorkerMetrics,
} from "./metrics.ts";

/** Bounded job retention (CONVENTIONS 11). */
const RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/**
 * A job in flight when Redis goes away can stay `active` after Redis returns (its completion was lost with the
 * connection); the stalled-job check puts it back once its lock lapses. Short locks (renewed every half period while
 * a job runs, so long judge calls keep theirs) bring such incidents back within seconds, and a job may stall a few
 * times (one outage each) before BullMQ gives up on it, so an outage never turns a flag into a failed job.
 */
const STALLED = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 5 };

function loadWorkerConfig(env: NodeJS.ProcessEnv): Config {
  const path = env.PORTCULLIS_CONFIG;
  // Without a file the workers serve the embedded default; its upstream URL is never used here.
  const raw = path !== undefined ? readConfigFile(path) : embeddedConfig("http://127.0.0.1:9");
  return loadConfig({ raw, source: path ?? "embedded default", env });
}

/** The rules the gateway screens with: the built-ins (unless a configured `rules` replaces them) plus configured ones. */
function screeningRules(config: Config): Rule[] {
  const configured = Object.entries(config.classifiers).flatMap(([name, c]) =>
    c.kind === "rules" ? [{ name, rules: c.rules }] : [],
  );
  const builtIn = configured.some((c) => c.name === "rules") ? [] : DEFAULT_RULES;
  return [...builtIn, ...configured.flatMap((c) => c.rules)];
}

interface Started {
  workers: Worker[];
  queues: Queue[];
}

function startWorker(
  name: string,
  label: JobQueueLabel,
  processor: Processor,
  ctx: {
    connection: RedisClient;
    prefix: string;
    logger: Logger;
    metrics: WorkerMetrics;
    concurrency: number;
  },
): Worker {
  const w = new Worker(name, processor, {
    connection: ctx.connection,
    prefix: ctx.prefix,
    concurrency: ctx.concurrency,
    ...STALLED,
  });
  w.on("error", (e) => ctx.logger.warn({ err: e.message, queue: label }, "worker error"));
  w.on("failed", (job, e) => {
    ctx.metrics.jobs.inc({ queue: label, outcome: "failed" });
    ctx.logger.warn({ queue: label, job: job?.id, err: e.message }, "job failed");
  });
  w.on("completed", () => ctx.metrics.jobs.inc({ queue: label, outcome: "completed" }));
  return w;
}

function startAll(
  config: Config,
  connection: RedisClient,
  logger: Logger,
): { started: Started; metrics: WorkerMetrics } {
  const prefix = config.redis.prefix;
  const keys = redisKeys(prefix);
  const mk = (name: string) => {
    const q = new Queue(name, { connection, prefix });
    q.on("error", (e) => logger.warn({ err: e.message, queue: name }, "queue error"));
    return q;
  };
  const incidents = mk(INCIDENT_QUEUE);
  const enforcement = mk(ENFORCEMENT_QUEUE);
  const deepScan = config.deepScan.judge ? mk(DEEP_SCAN_QUEUE) : undefined;
  const metrics = createWorkerMetrics({
    redis: connection,
    keys,
    queues: { intake: incidents, enforcement, ...(deepScan ? { deep_scan: deepScan } : {}) },
  });
  const redact = createRedactor(config.incidents.redact);
  const locate = createRuleLocator(screeningRules(config));
  const intake: IntakeOptions = {
    redis: connection,
    keys,
    redact,
    retentionDays: config.incidents.retentionDays,
    dedupeWindowSeconds: config.incidents.dedupeWindowSeconds,
    enforcement,
    locate,
    jobOptions: RETENTION,
  };
  const ctx = { connection, prefix, logger, metrics };
  const workers = [
    startWorker(INCIDENT_QUEUE, "intake", createIntakeProcessor(intake), { ...ctx, concurrency: 8 }),
    startWorker(
      ENFORCEMENT_QUEUE,
      "enforcement",
      createEnforcementProcessor({
        redis: connection,
        keys,
        settings: config.enforcement,
        audit: createAuditLog({
          redis: connection,
          keys,
          ...openConfiguredAudit(config, process.env, logger),
          onCheckpointError: (e) => logger.error({ err: e }, "audit checkpoint write failed"),
        }),
        queue: enforcement,
        decisions: metrics.decisions,
        jobOptions: RETENTION,
        sendWebhook: postWebhook,
      }),
      // Strikes and the status they lead to are one script, so jobs for the same key may run side by side (in
      // this process and in other worker replicas); a slow webhook no longer holds the strikes behind it.
      { ...ctx, concurrency: 4 },
    ),
  ];
  const judge = config.deepScan.judge;
  if (judge) {
    const j = createJudgeClassifier({
      baseUrl: judge.baseUrl,
      model: judge.model,
      timeoutMs: judge.timeoutMs,
      apiKey: judge.apiKeyEnv !== undefined ? process.env[judge.apiKeyEnv] : undefined,
    });
    const processor = createDeepScanProcessor({ judge: j, intake, redact, store: storeIncident });
    workers.push(startWorker(DEEP_SCAN_QUEUE, "deep_scan", processor, { ...ctx, concurrency: 2 }));
  }
  return { started: { workers, queues: [incidents, enforcement, ...(deepScan ? [deepScan] : [])] }, metrics };
}

/**
 * `/readyz`: Redis takes commands on the shared connection and every queue worker's loop runs. A worker that is
 * closing (SIGTERM) or whose loop has stopped takes no more jobs; while Redis is away none can be fetched (BullMQ
 * reconnects by itself, and readiness follows).
 */
function readiness(connection: RedisClient, workers: readonly Worker[]): Readiness {
  if (!redisUsable(connection)) return { ready: false, reason: "redis unavailable" };
  const stopped = workers.find((w) => w.closing !== undefined || !w.isRunning());
  return stopped ? { ready: false, reason: `queue worker ${stopped.name} not running` } : { ready: true };
}

async function main(): Promise<void> {
  loadDotEnv();
  const env = process.env;
  let config: Config;
  try {
    config = loadWorkerConfig(env);
  } catch (e: unknown) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`portcullis-workers: ${e.message}\n`);
    process.exit(1);
  }
  const logger = pino({ level: config.log.level, base: { svc: "workers", pid: process.pid } });
  if (config.redis.url === undefined) {
    process.stderr.write("portcullis-workers: set REDIS_URL (or redis.url in the config)\n");
    process.exit(1);
  }
  const connection = connectRedis(
    parseRedisUrl(config.redis.url, config.redis.mode, { password: config.redis.sentinelPassword }),
    {
      maxRetriesPerRequest: null,
    },
  );
  connection.on("error", (e: Error) => logger.debug({ err: e.message }, "redis error"));
  // Run last-added first (contracts/shutdown.ts): workers, then queues, then the metrics server, then Redis.
  const hooks = createShutdownHooks({
    timeoutMs: 10_000,
    onError: (step, e) => logger.warn({ err: e, step }, "shutdown step failed"),
    onTimeout: (step) => logger.error({ step }, "shutdown did not finish in time"),
  });
  hooks.add("redis connection", () => connection.disconnect());
  const { started, metrics } = startAll(config, connection, logger);
  const port = config.incidents.workerMetricsPort;
  const { server, url } = await serveMetrics(metrics.registry, {
    host: config.server.host,
    port,
    readiness: () => readiness(connection, started.workers),
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "EADDRINUSE") throw e;
    // Another instance on this host holds it: say so in one line and exit; a gateway that supervises this
    // process reports not ready meanwhile and retries with backoff.
    logger.error(
      { port },
      "worker metrics port in use: set PORTCULLIS_WORKER_METRICS_PORT (incidents.workerMetricsPort; 0 picks a free port)",
    );
    process.exit(1);
  });
  // Not awaited: a scraper's keep-alive connection would hold close() open.
  hooks.add("metrics server", () => void server.close());
  hooks.add("queues", () => Promise.allSettled(started.queues.map((q) => q.close())));
  // Worker.close() waits for the jobs in progress to finish.
  hooks.add("queue workers", () => Promise.allSettled(started.workers.map((w) => w.close())));
  logger.info({ metrics: url, queues: started.workers.map((w) => w.name) }, "workers ready");
  // A supervising gateway counts itself ready only once its workers are.
  if (process.send && env.PORTCULLIS_WORKERS_PARENT_IPC === "1") process.send({ type: "workers-ready" });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "workers shutting down");
    void hooks.run().then((finished) => {
      logger.info(finished ? "workers stopped" : "workers stopped with steps unfinished");
      process.exit(finished ? 0 : 1);
    });
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  if (process.channel && env.PORTCULLIS_WORKERS_PARENT_IPC === "1") {
    // Spawned by the gateway: its IPC channel closes when it dies, however it dies; do not outlive it.
    process.channel.unref();
    process.on("disconnect", () => shutdown("gateway exited"));
  }
}

main().catch((e: unknown) => {
  process.stderr.write(
    `portcullis-workers: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
