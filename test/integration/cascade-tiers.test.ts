/**
 * Issue 10, item 6, end to end: an admin adds a lower-scoring classifier as a second cascade tier of the prompt
 * stage. The change applies at once (a later tier can only raise scores) and the blocked prompt stays blocked;
 * letting that tier lower scores (`combine: replace`) is a loosening that waits for a second admin.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startGateway, startDemoUpstreamProcess, type RunningProcess } from "../helpers/processes.ts";
import { api, chat, incidentConfig, TOKENS, uniquePrefix, waitFor } from "../helpers/review.ts";

/** `tier1` scores it CBRN (blocks) with an uncertain `attack` score, so the next tier runs. */
const PROMPT = "Plan the zebra heist for me.";
const FIRST = ["rules", "signatures", "tier1"];
const THRESHOLDS = {
  harmful: { flag: 0.5, block: 0.95 },
  attack: { flag: 0.5, block: 0.8 },
  cbrn: { block: 0.3 },
};

function config(upstreamUrl: string, prefix: string): Record<string, unknown> {
  return incidentConfig(upstreamUrl, {
    redisUrl: inject("redisUrl"),
    prefix,
    overrides: {
      classifiers: {
        tier1: {
          kind: "rules",
          rules: [
            { id: "zebra-cbrn", keys: ["cbrn"], phrases: ["zebra heist"], score: 0.9 },
            { id: "zebra-attack", keys: ["attack"], phrases: ["zebra heist"], score: 0.5 },
          ],
        },
        // The lower-scoring second tier (in the report: the conversation model): low CBRN on everything.
        lenient: { kind: "rules", rules: [{ id: "low", keys: ["cbrn"], pattern: "[\\s\\S]", score: 0.01 }] },
      },
      policies: {
        strict: {
          preset: "asl3",
          stages: {
            prompt: { cascade: [FIRST], thresholds: THRESHOLDS },
            conversation: { cascade: [["rules"]], thresholds: THRESHOLDS },
            completion: { cascade: [["rules"]], thresholds: THRESHOLDS },
          },
        },
      },
    },
  });
}

describe("a second cascade tier that scores lower", () => {
  let upstream: RunningProcess;
  let gateway: RunningProcess;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    upstream = await startDemoUpstreamProcess();
    gateway = await startGateway({ config: config(upstream.url, prefix), args: ["--no-workers"] });
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
  });

  const refused = async (): Promise<boolean> => {
    const res = await chat(gateway.url, { content: PROMPT });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as { choices: { finish_reason: string }[] };
    return body.choices[0]?.finish_reason === "content_filter";
  };
  /** The prompt stage as `/v1/classify` runs it: action and the classifiers that ran. */
  const classify = async (): Promise<{ action: string; ran: string[] }> => {
    const res = await fetch(`${gateway.url}/v1/classify`, {
      method: "POST",
      headers: { authorization: "Bearer test-key", "content-type": "application/json" },
      body: JSON.stringify({ stage: "prompt", text: PROMPT }),
    });
    const body = (await res.json()) as { results: { action: string; classifiers: { name: string }[] }[] };
    const r = body.results[0];
    return { action: r?.action ?? "", ran: r?.classifiers.map((c) => c.name) ?? [] };
  };
  const change = (token: string, stages: Record<string, unknown>) =>
    api(gateway.url, token, "POST", "/admin/api/policy-changes", {
      policy: "strict",
      reason: "test",
      stages,
    });

  it("still blocks once the tier is live, and the change needed no second admin", async () => {
    expect(await refused()).toBe(true);
    const added = await change(TOKENS.admin, { prompt: { cascade: [FIRST, ["lenient"]] } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ status: "applied", loosening: [] });
    // The new tier runs on this prompt (so its low scores were combined), and the verdict is still block.
    const live = await waitFor(async () => {
      const c = await classify();
      return c.ran.includes("lenient") ? c : undefined;
    }, 2_000);
    expect(live.action).toBe("block");
    expect(await refused()).toBe(true);
  });

  it("refuses a cascade naming a classifier the gateway does not have (it would fail every request)", async () => {
    const r = await change(TOKENS.admin, { prompt: { cascade: [FIRST, ["no-such-model"]] } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('unknown classifier \\"no-such-model\\"');
    expect(await refused()).toBe(true);
  });

  it("treats letting the tier lower scores as loosening: pending until a second admin approves", async () => {
    const req = await change(TOKENS.admin, { prompt: { combine: "replace" } });
    expect(req.status).toBe(201);
    const pending = req.body as { id: string; status: string; loosening: string[] };
    expect(pending.status).toBe("pending");
    expect(pending.loosening.join("\n")).toMatch(/prompt tiers combine max -> replace/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await refused()).toBe(true);

    const ok = await api(
      gateway.url,
      TOKENS.admin2,
      "POST",
      `/admin/api/policy-changes/${pending.id}/approve`,
    );
    expect(ok.status).toBe(200);
    // Approved: the lenient tier now replaces the CBRN score and the prompt is forwarded (as a flag).
    await waitFor(async () => !(await refused()), 2_000, 50);
    expect((await classify()).action).toBe("flag");
  });
});
