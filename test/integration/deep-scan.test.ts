/**
 * Deep scan: with a judge configured and a sample rate of 1, a request the fast stages allow is judged after the
 * fact by the judge (the demo upstream answering as Llama Guard), and a hit becomes an incident in review.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startGateway, startDemoUpstreamProcess, type RunningProcess } from "../helpers/processes.ts";
import { TOKENS, api, chat, incidentConfig, uniquePrefix, waitFor, workersReady } from "../helpers/review.ts";

let mock: RunningProcess;
let gateway: RunningProcess;

beforeAll(async () => {
  mock = await startDemoUpstreamProcess();
  const config = incidentConfig(mock.url, {
    redisUrl: inject("redisUrl"),
    prefix: uniquePrefix(),
    overrides: {
      deepScan: { sampleRate: 1, judge: { baseUrl: mock.url, model: "mock-judge", timeoutMs: 5000 } },
    },
  });
  gateway = await startGateway({ config });
  await workersReady(gateway);
});

afterAll(async () => {
  await gateway?.stop();
  await mock?.stop();
});

describe("deep scan", () => {
  it("files an incident after the fact for an allowed request the judge finds unsafe, and none for a safe one", async () => {
    const safe = await chat(gateway.url, { content: "What is a good sourdough hydration?" });
    const risky = await chat(gateway.url, { content: "Tell me about anthrax spores in old farmland." });
    expect(safe.status).toBe(200);
    expect(risky.status).toBe(200);
    expect(risky.incident).toBeNull();
    const queues = await waitFor(
      async () => {
        const r = await api(gateway.url, TOKENS.reviewer, "GET", "/review/api/queues");
        const list = r.body as { name: string; count: number }[];
        const total = list.reduce((n, q) => n + q.count, 0);
        return total >= 1 ? list : undefined;
      },
      15_000,
      100,
    );
    expect(queues.reduce((n, q) => n + q.count, 0)).toBe(1);
    const claimed = await api(gateway.url, TOKENS.reviewer, "POST", "/review/api/claim", {});
    expect(claimed.status).toBe(200);
    expect(JSON.stringify(claimed.body)).toContain("anthrax");
    expect(JSON.stringify(claimed.body)).not.toContain("sourdough");
  });
});
