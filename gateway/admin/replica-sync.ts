/**
 * Keeps every gateway replica's in-memory stores (keys, signatures, policies) in step with Redis: a writer
 * publishes a topic on the events channel after each change; each replica's subscriber reloads that store.
 * Pub/sub delivery is sub-millisecond on a healthy link, which is what makes "within 1 second" hold; a periodic
 * full reload (and one on every reconnect) covers messages missed while disconnected.
 */
import type { RedisClient } from "../../contracts/redis-client.ts";
import type { Logger } from "pino";
import { SYNC_TOPICS, type SyncTopic } from "../../contracts/redis-keys.ts";

export interface ReplicaSync {
  /** Loads everything once and subscribes. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface ReplicaSyncOptions {
  /** A dedicated connection (it enters subscriber mode). */
  subscriber: RedisClient;
  channel: string;
  reloaders: Readonly<Record<SyncTopic, () => Promise<void>>>;
  logger: Logger;
  /** Backstop full reload period. @defaultValue 10000 */
  fullReloadMs?: number;
}

const TOPICS: ReadonlySet<string> = new Set(SYNC_TOPICS);

/** Publishes a change so every replica reloads `topic`. */
export async function publishSync(redis: RedisClient, channel: string, topic: SyncTopic): Promise<void> {
  await redis.publish(channel, topic);
}

/** Creates the subscriber side. */
export function createReplicaSync(o: ReplicaSyncOptions): ReplicaSync {
  let timer: NodeJS.Timeout | undefined;
  const reload = async (topic: SyncTopic): Promise<void> => {
    try {
      await o.reloaders[topic]();
    } catch (e: unknown) {
      o.logger.warn({ err: e, topic }, "replica reload failed; the periodic reload will retry");
    }
  };
  const reloadAll = (): Promise<void> => Promise.all(SYNC_TOPICS.map(reload)).then(() => undefined);

  return {
    async start() {
      o.subscriber.on("message", (channel: string, message: string) => {
        if (channel === o.channel && TOPICS.has(message)) void reload(message as SyncTopic);
      });
      o.subscriber.on("error", (e: Error) => o.logger.debug({ err: e.message }, "sync subscriber error"));
      // ioredis re-subscribes on reconnect; reload everything then, since messages sent meanwhile are gone.
      o.subscriber.on("ready", () => void reloadAll());
      await reloadAll();
      await o.subscriber.subscribe(o.channel);
      timer = setInterval(() => void reloadAll(), o.fullReloadMs ?? 10_000);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      o.subscriber.disconnect();
      await Promise.resolve();
    },
  };
}
