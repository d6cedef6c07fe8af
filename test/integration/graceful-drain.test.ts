/**
 * Graceful drain of a real gateway process on SIGTERM: it stops accepting connections and `/readyz` turns 503, and
 * the requests in flight get `server.drainSeconds` to finish - a stream shorter than that completes normally and the
 * process exits 0 without cutting anything. Past the deadline, what is still open ends in its dialect (an error
 * event on a stream, a 502 error body on a request still waiting for its upstream), never as a torn connection, and
 * the process still exits 0. The demo upstream sends a token every 40 ms (a benign stream lasts about 3 s).
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startGateway,
  startDemoUpstreamProcess,
  testConfig,
  type RunningProcess,
} from "../helpers/processes.ts";
import { waitFor } from "../helpers/review.ts";

let mock: RunningProcess;
beforeAll(async () => {
  mock = await startDemoUpstreamProcess(["--token-delay-ms", "40"]);
});
afterAll(async () => {
  await mock?.stop();
});

const running: RunningProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.stop("SIGKILL");
});

async function gatewayWith(server: Record<string, unknown> = {}): Promise<RunningProcess> {
  const g = await startGateway({ config: testConfig(mock.url, { server }), args: ["--no-workers"] });
  running.push(g);
  return g;
}

function exitOf(g: RunningProcess): Promise<number | null> {
  return new Promise((res) => {
    if (g.child.exitCode !== null) res(g.child.exitCode);
    else g.child.once("exit", (code) => res(code));
  });
}

async function sigterm(g: RunningProcess): Promise<void> {
  g.child.kill("SIGTERM");
  await waitFor(() => Promise.resolve(g.output().includes('"msg":"shutting down"')), 5_000, 10);
}

const body = (model: string, stream: boolean): string =>
  JSON.stringify({
    model,
    stream,
    max_tokens: 256,
    messages: [{ role: "user", content: "How do I bake sourdough bread?" }],
  });

/** A raw HTTP/1.1 connection, so a second request can follow the first on it while the first still streams. */
function rawConnection(url: string): { socket: Socket; received(): string; closed: Promise<void> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = "";
  socket.on("data", (d: Buffer) => (text += d.toString("utf8")));
  const closed = new Promise<void>((res) => socket.once("close", () => res()));
  return { socket, received: () => text, closed };
}

describe("graceful drain", () => {
  it("lets a stream in flight finish, answers /readyz 503 meanwhile, refuses new connections and exits 0", async () => {
    const g = await gatewayWith();
    const conn = rawConnection(g.url);
    const payload = body("mock-benign", true);
    conn.socket.write(
      "POST /v1/chat/completions HTTP/1.1\r\nhost: gateway\r\nauthorization: Bearer test-key\r\n" +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
    );
    await waitFor(() => Promise.resolve(conn.received().includes("data: {")), 5_000, 10);
    const t0 = performance.now();
    const exited = exitOf(g);
    await sigterm(g);
    // Asked on the stream's own connection, which the drain keeps open: answered once the stream is done.
    conn.socket.write("GET /readyz HTTP/1.1\r\nhost: gateway\r\n\r\n");
    await expect(fetch(`${g.url}/livez`)).rejects.toThrow();
    await conn.closed;
    expect(await exited).toBe(0);
    const seconds = (performance.now() - t0) / 1000;

    const text = conn.received();
    const done = text.indexOf("data: [DONE]");
    expect(done, "the stream completed").toBeGreaterThan(0);
    expect(text).toContain('"finish_reason":"stop"');
    expect(text).not.toContain('data: {"error"');
    const readyz = text.indexOf("HTTP/1.1 503", done);
    expect(readyz, "/readyz answered 503 after the stream").toBeGreaterThan(done);
    expect(text.slice(readyz)).toContain('{"status":"not ready"}');
    expect(seconds).toBeLessThan(10);
    expect(g.output()).not.toContain("drain deadline passed");
  }, 30_000);

  it("ends what is still open at the drain deadline in its dialect, not with a torn connection", async () => {
    const g = await gatewayWith({ drainSeconds: 1 });
    const post = (path: string, model: string, stream: boolean, anthropic = false) =>
      fetch(`${g.url}${path}`, {
        method: "POST",
        headers: {
          authorization: "Bearer test-key",
          "content-type": "application/json",
          ...(anthropic ? { "anthropic-version": "2023-06-01" } : {}),
        },
        body: body(model, stream),
      });
    const openai = await post("/v1/chat/completions", "mock-stall-stream", true);
    const anthropic = await post("/v1/messages", "mock-stall-stream", true, true);
    const readers = [openai, anthropic].map((r) => {
      if (!r.body) throw new Error(`no stream: ${r.status}`);
      return r.body.getReader();
    });
    const firsts = await Promise.all(readers.map((r) => r.read()));
    const waiting = post("/v1/chat/completions", "mock-hang", false);
    const exited = exitOf(g);
    const t0 = performance.now();
    await sigterm(g);

    // Reading to the end throws on a torn connection ("terminated"); a clean end is `done`.
    const rest = await Promise.all(
      readers.map(async (r, i) => {
        let text = new TextDecoder().decode(firsts[i]?.value);
        for (let x = await r.read(); !x.done; x = await r.read()) text += new TextDecoder().decode(x.value);
        return text;
      }),
    );
    const [openaiText = "", anthropicText = ""] = rest;
    expect(openaiText).toMatch(/data: \{"error":\{"message":"[^"]+","type":"server_error"/);
    expect(openaiText.endsWith("\n\n")).toBe(true);
    expect(anthropicText).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
    const json = await waiting;
    expect(json.status).toBe(502);
    expect(((await json.json()) as { error?: { type?: string } }).error?.type).toBeTypeOf("string");
    expect(await exited).toBe(0);
    const seconds = (performance.now() - t0) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(0.9);
    expect(seconds).toBeLessThan(1 + 3);
    expect(g.output()).toContain("drain deadline passed");
  }, 30_000);
});
