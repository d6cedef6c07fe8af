/**
 * The incident producer against the run's real Redis (issue 10, item 8): a published event reaches the BullMQ job
 * hash redacted, and so does an unredacted event that a gateway older than the redaction left in the spool, when
 * the drainer replays it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { INCIDENT_QUEUE } from "../../../contracts/incident.ts";
import { createEventRedactor } from "../../../contracts/redact.ts";
import { createQueueProducer, type QueueProducer } from "../../../gateway/incidents/queue-producer.ts";
import { createSpool, type Spool } from "../../../gateway/incidents/spool.ts";
import { createMetrics } from "../../../gateway/observability/metrics.ts";
import { cbrnEvent } from "../../incidents/fixtures.ts";
import { uniquePrefix, waitFor } from "../../helpers/review.ts";

const TEXT = "Sarin for jane@example.com, card 4111 1111 1111 1111, phone +1 415 555 0100";
const REDACTED = "Sarin for [EMAIL], card [CARD], phone [PHONE]";

describe("incident producer redaction (real Redis)", () => {
  const prefix = uniquePrefix();
  let connection: Redis;
  let reader: Redis;
  let spool: Spool;
  let producer: QueueProducer;

  beforeAll(async () => {
    connection = new Redis(inject("redisUrl"), { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    reader = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
    await waitFor(() => Promise.resolve(connection.status === "ready"), 5_000);
    spool = createSpool(
      join(mkdtempSync(join(tmpdir(), "portcullis-producer-")), "spool", "incidents.jsonl"),
    );
  });
  afterAll(async () => {
    await producer?.close();
    connection?.disconnect();
    reader?.disconnect();
  });

  async function job(id: string): Promise<string> {
    const h = await waitFor(async () => {
      const r = await reader.hgetall(`${prefix}:${INCIDENT_QUEUE}:${id}`);
      return r.data !== undefined ? r : undefined;
    }, 5_000);
    return Object.values(h).join("\n");
  }

  it("queues published events and replayed legacy spool lines redacted", async () => {
    const legacy = cbrnEvent(1, { conversation: [{ role: "user", text: TEXT }] });
    // Written before the producer exists, as a gateway without redaction would have spooled it.
    await spool.append(legacy);
    producer = createQueueProducer({
      connection,
      prefix,
      spool,
      redact: createEventRedactor({ emails: true, cards: true, phones: true, patterns: [] }),
      metrics: createMetrics({ collectDefaults: false }),
      logger: pino({ level: "silent" }),
      drainIntervalMs: 60_000,
    });
    const fresh = cbrnEvent(2, { conversation: [{ role: "user", text: TEXT }] });
    await producer.publish(fresh);
    await producer.drainer.drainOnce();
    for (const id of [legacy.id, fresh.id]) {
      const stored = await job(id);
      expect(stored).toContain(REDACTED);
      expect(stored).not.toMatch(/jane@|4111|555 0100/);
    }
  });
});
