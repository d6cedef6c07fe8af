/**
 * A hostile upstream cannot exhaust the gateway's memory or hold a response forever: an SSE event over
 * `maxEventBytes`, a body over `maxResponseBytes` (stream, JSON or error body) and a body read past
 * `maxResponseSeconds` each abort the upstream and end the client's response with an error in its dialect, and count
 * in `portcullis_upstream_limit_exceeded_total`. Also: a client that leaves mid-request logs no error or stack.
 */
import type { ServerResponse } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "../../contracts/key-hash.ts";
import { createSseDecoder } from "../../gateway/sse/decoder.ts";
import type { SseEvent } from "../../gateway/sse/event.ts";
import { metricValue } from "../helpers/metrics.ts";
import { startGateway, testConfig, type RunningProcess } from "../helpers/processes.ts";
import { useScriptedUpstream } from "../helpers/scripted-upstream.ts";

const MiB = 1024 * 1024;
const LIMITS = {
  bodyTimeoutMs: 1000,
  maxEventBytes: 64 * 1024,
  maxResponseBytes: MiB,
  maxResponseSeconds: 2,
};

const up = useScriptedUpstream();
let gw: RunningProcess;

beforeAll(async () => {
  const base = testConfig(up.url);
  const upstreams = base.upstreams as Record<string, Record<string, unknown>>;
  gw = await startGateway({
    config: {
      ...base,
      upstreams: {
        mock_openai: { ...upstreams.mock_openai, ...LIMITS },
        mock_anthropic: { ...upstreams.mock_anthropic, ...LIMITS },
      },
      // `lite-*` models on an ASL-2 route, for a key whose asl2 policy has no completion stage: the stream passes
      // through unparsed.
      routes: [
        { match: "lite-*", upstream: "mock_openai", asl: 2 },
        { match: "lite-*", upstream: "mock_anthropic", asl: 2 },
        ...(base.routes as unknown[]),
      ],
      keys: [
        ...(base.keys as unknown[]),
        { id: "k-lite", sha256: hashKey("lite-key"), tenant: "acme", policy: "lite" },
      ],
      policies: { strict: { preset: "asl3" }, lite: { preset: "asl2" } },
    },
  });
});

afterAll(async () => {
  await gw?.stop();
});

type Path = "/v1/chat/completions" | "/v1/messages";

function post(path: Path, body: object, opts: { key?: string; signal?: AbortSignal } = {}) {
  return fetch(gw.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${opts.key ?? "test-key"}` },
    body: JSON.stringify({ max_tokens: 50, messages: [{ role: "user", content: "hello" }], ...body }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

function events(raw: string): SseEvent[] {
  const d = createSseDecoder();
  return [...d.push(Buffer.from(raw)), ...d.end()];
}

const limitCount = (limit: string): Promise<number> =>
  metricValue(gw.url, "portcullis_upstream_limit_exceeded_total", { limit });
const rss = (): Promise<number> => metricValue(gw.url, "portcullis_process_resident_memory_bytes");
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How much a reply wrote, and whether the gateway hung up before it was done. */
interface Written {
  bytes: number;
  cut: boolean;
}

/**
 * Writes `unit` repeatedly until `total` bytes, honouring backpressure, and stops when the gateway hangs up. The
 * response is left open (the test ends it with `res.end()`) unless `end`.
 */
function flood(res: ServerResponse, unit: string, total: number, end = false): Promise<Written> {
  const block = Buffer.from(unit.repeat(Math.ceil(MiB / unit.length)));
  return new Promise((resolve) => {
    const w: Written = { bytes: 0, cut: false };
    res.once("close", () => {
      w.cut = !res.writableFinished;
      resolve(w);
    });
    const next = (): void => {
      while (!res.destroyed && w.bytes < total) {
        w.bytes += block.length;
        if (!res.write(block)) {
          res.once("drain", next);
          return;
        }
      }
      if (end) res.end();
      else resolve(w);
    };
    next();
  });
}

/** Writes `piece` every `everyMs` for `forMs`, then `last` and the end; stops when the gateway hangs up. */
function drip(res: ServerResponse, piece: string, o: { everyMs: number; forMs: number; last: string }) {
  const t0 = Date.now();
  return new Promise<Written>((resolve) => {
    const w: Written = { bytes: 0, cut: false };
    const timer = setInterval(() => {
      if (res.destroyed) return;
      if (Date.now() - t0 > o.forMs) {
        clearInterval(timer);
        res.end(o.last);
        return;
      }
      w.bytes += piece.length;
      res.write(piece);
    }, o.everyMs);
    res.once("close", () => {
      clearInterval(timer);
      w.cut = !res.writableFinished;
      resolve(w);
    });
  });
}

const SSE = { "content-type": "text/event-stream" };
const CHUNK = (fields: object): string =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", ...fields })}\n\n`;
const ROLE_CHUNK = CHUNK({ choices: [{ index: 0, delta: { role: "assistant", content: "" } }] });
/** A 4 KiB OpenAI chunk that carries no completion text (passes the guard without screening). */
const PAD_CHUNK = CHUNK({ choices: [{ index: 0, delta: {} }], pad: "x".repeat(4000) });

/** Sends `reply` as the upstream's next answer and resolves with what it wrote once it is done. */
function script(reply: (res: ServerResponse) => Promise<Written>): { written: Promise<Written> } {
  let settle: (w: Written) => void = () => undefined;
  const written = new Promise<Written>((r) => (settle = r));
  up.reply = (_req, res) => void reply(res).then(settle);
  return { written };
}

describe("upstream limits on streams", () => {
  it("an event that never ends (200 MB of data lines) is cut at maxEventBytes; RSS stays flat", async () => {
    let upstreamRes: ServerResponse | undefined;
    const { written } = script((res) => {
      upstreamRes = res;
      res.writeHead(200, SSE);
      res.write(ROLE_CHUNK);
      return flood(res, `data: ${"y".repeat(1017)}\n`, 200 * MiB);
    });
    const [before, count0] = [await rss(), await limitCount("event")];
    const res = await post("/v1/chat/completions", { model: "gpt-4o", stream: true });
    const body = res.text();
    const w = await written;
    const grew = (await rss()) - before;
    upstreamRes?.end();
    const evs = events(await body);
    expect(grew).toBeLessThan(40 * MiB);
    expect(res.status).toBe(200);
    expect(w.cut).toBe(true);
    expect(w.bytes).toBeLessThan(32 * MiB);
    expect(evs.at(-1)?.data).toMatch(/"error":\{"message":"upstream stream event exceeded 64 KiB"/);
    expect(await limitCount("event")).toBe(count0 + 1);
  });

  it("Anthropic: an oversized event ends the stream with an error event", async () => {
    const start = { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant" } };
    const { written } = script((res) => {
      res.writeHead(200, SSE);
      res.write(`event: message_start\ndata: ${JSON.stringify(start)}\n\nevent: content_block_delta\n`);
      return flood(res, `data: ${"z".repeat(200)}\n`, 8 * MiB, true);
    });
    const raw = await (await post("/v1/messages", { model: "claude-x", stream: true })).text();
    expect((await written).cut).toBe(true);
    const last = events(raw).at(-1);
    expect(last?.event).toBe("error");
    expect(last?.data).toMatch(/upstream stream event exceeded 64 KiB/);
  });

  it.each([
    ["screened", "gpt-4o", "test-key"],
    ["passed through unscreened", "lite-model", "lite-key"],
  ])("%s: a stream over maxResponseBytes is cut and ends with an error event", async (_n, model, key) => {
    const { written } = script((res) => {
      res.writeHead(200, SSE);
      res.write(ROLE_CHUNK);
      return flood(res, PAD_CHUNK, 64 * MiB, true);
    });
    const count0 = await limitCount("response");
    const raw = await (await post("/v1/chat/completions", { model, stream: true }, { key })).text();
    const w = await written;
    expect(w.cut).toBe(true);
    expect(w.bytes).toBeLessThan(32 * MiB);
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(MiB + 1024);
    expect(events(raw).at(-1)?.data).toMatch(/"error":\{"message":"upstream response exceeded 1 MiB"/);
    expect(await limitCount("response")).toBe(count0 + 1);
  });

  it.each([
    ["screened", "claude-x", "test-key"],
    ["passed through unscreened", "lite-model", "lite-key"],
  ])("%s: a stream kept alive past maxResponseSeconds is cut", async (_n, model, key) => {
    const { written } = script((res) => {
      res.writeHead(200, SSE);
      return drip(res, ": keep-alive\n\n", { everyMs: 200, forMs: 8000, last: "" });
    });
    const count0 = await limitCount("duration");
    const t0 = Date.now();
    const raw = await (await post("/v1/messages", { model, stream: true }, { key })).text();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await written).cut).toBe(true);
    const last = events(raw).at(-1);
    expect(last?.event).toBe("error");
    expect(last?.data).toMatch(/upstream response took longer than 2 s/);
    expect(await limitCount("duration")).toBe(count0 + 1);
  });
});

describe("upstream limits on JSON responses", () => {
  const OPEN = '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"content":"';

  it.each([
    ["/v1/chat/completions", "gpt-4o"],
    ["/v1/messages", "claude-x"],
  ] as const)("%s: a body over maxResponseBytes is never buffered: 502 in dialect", async (path, model) => {
    const { written } = script((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(OPEN);
      return flood(res, "a", 64 * MiB, true);
    });
    const [before, count0] = [await rss(), await limitCount("response")];
    const res = await post(path, { model });
    const body = (await res.json()) as { error: { message: string } };
    const w = await written;
    expect((await rss()) - before).toBeLessThan(40 * MiB);
    expect(res.status).toBe(502);
    expect(body.error.message).toBe("upstream response exceeded 1 MiB");
    if (path === "/v1/messages") expect(body).toMatchObject({ type: "error" });
    expect(w.cut).toBe(true);
    expect(w.bytes).toBeLessThan(32 * MiB);
    expect(await limitCount("response")).toBe(count0 + 1);
  });

  it("a body dripped past maxResponseSeconds: 504 in dialect", async () => {
    const { written } = script((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(OPEN);
      return drip(res, "a", { everyMs: 200, forMs: 6000, last: '"}}]}' });
    });
    const count0 = await limitCount("duration");
    const res = await post("/v1/chat/completions", { model: "gpt-4o" });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "upstream response took longer than 2 s",
    );
    expect((await written).cut).toBe(true);
    expect(await limitCount("duration")).toBe(count0 + 1);
  });

  it("a body that stalls past bodyTimeoutMs: 504 in dialect", async () => {
    script((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(OPEN);
      return drip(res, "", { everyMs: 1000, forMs: 5000, last: "" });
    });
    const res = await post("/v1/messages", { model: "claude-x" });
    expect(res.status).toBe(504);
    const body = (await res.json()) as { type: string; error: { message: string } };
    expect(body.type).toBe("error");
    expect(body.error.message).toMatch(/timed out/);
  });

  it("an error status with a huge body is not buffered", async () => {
    const { written } = script((res) => {
      res.writeHead(500, { "content-type": "application/json" });
      return flood(res, "e", 64 * MiB, true);
    });
    const res = await post("/v1/chat/completions", { model: "gpt-4o" });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("server_error");
    const w = await written;
    expect(w.cut).toBe(true);
    expect(w.bytes).toBeLessThan(32 * MiB);
  });
});

describe("a client that leaves", () => {
  /** The gateway's log lines written while `act` ran (and shortly after). */
  async function logsDuring(act: () => Promise<void>): Promise<string> {
    const mark = gw.output().length;
    await act();
    await sleep(300);
    return gw.output().slice(mark);
  }

  const noErrors = (logs: string): void => {
    expect(logs).not.toMatch(/"level":(40|50|60)/);
    expect(logs).not.toMatch(/"stack"|\n\s+at /);
  };

  /** Starts a request, aborts it once the upstream is answering, and waits for the gateway to hang up on it. */
  async function leaveDuring(reply: (res: ServerResponse) => void, req: (s: AbortSignal) => Promise<void>) {
    const ac = new AbortController();
    const { written } = script((res) => {
      reply(res);
      return drip(res, "", { everyMs: 100, forMs: 5000, last: "" });
    });
    const done = req(ac.signal).catch(() => undefined);
    await sleep(400);
    ac.abort();
    await done;
    expect((await written).cut).toBe(true);
  }

  it.each([
    ["screened", "gpt-4o", "test-key"],
    ["passed through unscreened", "lite-model", "lite-key"],
  ])("mid-stream (%s): the upstream is aborted, nothing logged as an error", async (_n, model, key) => {
    const logs = await logsDuring(() =>
      leaveDuring(
        (res) => {
          res.writeHead(200, SSE);
          res.write(ROLE_CHUNK);
          res.write(CHUNK({ choices: [{ index: 0, delta: { content: "Bread needs flour. " } }] }));
        },
        async (signal) => {
          const res = await post("/v1/chat/completions", { model, stream: true }, { key, signal });
          await res.text();
        },
      ),
    );
    noErrors(logs);
  });

  it.each([
    ["waiting for the upstream's headers", (_res: ServerResponse) => undefined],
    [
      "while the JSON body arrives",
      (res: ServerResponse) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"id":"chatcmpl-1"');
      },
    ],
  ])("%s: the upstream is aborted, nothing logged as an error", async (_n, reply) => {
    const logs = await logsDuring(() =>
      leaveDuring(reply, async (signal) => {
        await (await post("/v1/chat/completions", { model: "gpt-4o" }, { signal })).text();
      }),
    );
    noErrors(logs);
  });

  it("while sending its request body: nothing logged as an error", async () => {
    const logs = await logsDuring(async () => {
      const { port } = new URL(gw.url);
      const sock = connect(Number(port), "127.0.0.1");
      await new Promise((r) => sock.once("connect", r));
      sock.write(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer test-key\r\n" +
          'content-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":"gpt-4o",',
      );
      await sleep(200);
      sock.destroy();
    });
    noErrors(logs);
  });
});
