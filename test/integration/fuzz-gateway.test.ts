/**
 * Property-based fuzzing of the whole gateway (issue 13 item 4), CI-sized: one real gateway process in front of
 * a scripted upstream, a few thousand generated cases - request bodies, headers and upstream replies (JSON and SSE)
 * for every dialect, mutated (truncated, oversized, wrong types, deep nesting, invalid UTF-8, huge arrays, broken
 * streams) - each judged by `test/fuzz/oracle.ts`: never a 5xx the upstream did not cause, never a torn
 * connection or a stream without its terminal or error event, every error in the dialect's shape, every 200 body
 * parseable. The gateway must be alive at the end and its RSS back near its baseline. The long run with the same
 * properties is `npm run bench:fuzz`.
 *
 * Seeded (a new seed each run): a failure prints its seed and path; `PORTCULLIS_FUZZ_SEED` and
 * `PORTCULLIS_FUZZ_PATH` replay it, `PORTCULLIS_FUZZ_CASES` changes the size, `PORTCULLIS_FUZZ_REPORT=1` prints the
 * run's summary (answers by status, upstream plans, RSS).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayPid, pidAlive, rssMb, runFuzz, settledRssMb } from "../fuzz/run.ts";
import { fuzzGatewayConfig } from "../fuzz/setup.ts";
import { createUpstreamDispatch } from "../fuzz/wire.ts";
import { startGateway, type RunningProcess } from "../helpers/processes.ts";
import { useScriptedUpstream } from "../helpers/scripted-upstream.ts";

const CASES = Number(process.env.PORTCULLIS_FUZZ_CASES ?? 3000);
const SEED = Number(process.env.PORTCULLIS_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PATH = process.env.PORTCULLIS_FUZZ_PATH;
/** Cases run before the memory baseline is taken (pools, JIT and caches warmed). */
const WARMUP_CASES = 400;
/** How far above its warmed-up baseline the gateway's RSS may settle after the run. */
const RSS_MARGIN_MB = 50;

const up = useScriptedUpstream();
const dispatch = createUpstreamDispatch();
let gw: RunningProcess & { dir: string };
let pid: number;

beforeAll(async () => {
  up.reply = dispatch.reply;
  gw = await startGateway({ config: fuzzGatewayConfig(up.url) });
  pid = gatewayPid(join(gw.dir, "var"));
});

afterAll(async () => {
  await gw?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("fuzzing the gateway", () => {
  it(`${CASES} generated requests and upstream replies: well-formed answers, no crash, memory back to baseline`, async () => {
    let baseline: number | undefined;
    let peak = 0;
    const t0 = Date.now();
    const result = await runFuzz(
      { gatewayUrl: gw.url, dispatch, alive: () => pidAlive(pid), output: () => gw.output() },
      {
        cases: CASES,
        seed: SEED,
        path: PATH,
        onRound: async (s) => {
          peak = Math.max(peak, rssMb(pid) ?? 0);
          if (baseline === undefined && s.cases >= WARMUP_CASES) {
            await sleep(1000);
            baseline = rssMb(pid);
          }
        },
      },
    );
    if (result.failure) expect.fail(result.failure);
    expect(pidAlive(pid)).toBe(true);
    expect((await fetch(`${gw.url}/livez`)).status).toBe(200);
    if (PATH !== undefined) return;

    // Not vacuous: the generators reached every kind of answer the properties are about.
    const s = result.stats;
    const summary = JSON.stringify({ seed: SEED, ...s, seconds: (Date.now() - t0) / 1000 });
    const kinds = ["200 sse", "200 json", "400", "401", "403", "404", "413", "429", "500", "502", "504"];
    for (const status of kinds)
      expect(s.statuses[status] ?? 0, `no ${status} answer in ${summary}`).toBeGreaterThan(0);
    expect(s.forwarded, summary).toBeGreaterThan(CASES / 4);

    expect(baseline, summary).toBeDefined();
    const settled = await settledRssMb(pid, baseline ?? 0, RSS_MARGIN_MB, { minMs: 5000, maxMs: 20_000 });
    if (process.env.PORTCULLIS_FUZZ_REPORT === "1")
      process.stdout.write(
        `fuzz: ${summary}; RSS MB baseline ${baseline}, peak ${peak}, settled ${settled}\n`,
      );
    expect(
      settled,
      `RSS ${settled} MB after the run, baseline ${baseline} MB, peak ${peak} MB; ${summary}`,
    ).toBeLessThanOrEqual((baseline ?? 0) + RSS_MARGIN_MB);
  }, 600_000);
});
