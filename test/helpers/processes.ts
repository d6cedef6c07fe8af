/**
 * Real-process harness for integration tests: the gateway (`gateway/main.ts` under tsx, or its compiled build) and the
 * demo upstream, each on a free port, with a YAML config written to a temp dir. Processes are killed in `stop()`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import { stringify } from "yaml";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { hashKey } from "../../contracts/key-hash.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");

export interface RunningProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  what: string,
  getOut: () => string,
): Promise<string> {
  return new Promise((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`${what} did not start:\n${getOut().slice(-3000)}`)),
      45_000,
    );
    const onData = (): void => {
      const m = pattern.exec(getOut());
      if (m?.[1]) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        res(m[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`${what} exited with ${code}:\n${getOut().slice(-3000)}`));
    });
  });
}

function track(child: ChildProcess): () => string {
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  return () => out;
}

function stopper(child: ChildProcess) {
  return (signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> =>
    new Promise((res) => {
      if (child.exitCode !== null || child.signalCode !== null) return res(child.exitCode);
      const kill = setTimeout(() => child.kill("SIGKILL"), 8_000);
      child.once("exit", (code) => {
        clearTimeout(kill);
        res(code);
      });
      child.kill(signal);
    });
}

/** Starts the demo upstream as its own process. */
export async function startDemoUpstreamProcess(args: string[] = []): Promise<RunningProcess> {
  const child = spawn(TSX, [join(ROOT, "gateway/embedded/demo-upstream/main.ts"), "--port", "0", ...args], {
    cwd: ROOT,
  });
  const out = track(child);
  const url = await waitForLine(child, /"url":"(http:[^"]+)"/, "demo upstream", out);
  return { url, child, output: out, stop: stopper(child) };
}

export interface GatewayProcessOptions {
  /** Config object written as YAML; omit for the embedded default. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  args?: string[];
  /** Run the compiled `dist/gateway/main.js` with plain node (build it first) instead of the source under tsx. */
  compiled?: boolean;
  /** Working directory of the process. @defaultValue the project root */
  cwd?: string;
}

/** Starts `gateway/main.ts` on a free port and waits for its "listening" log line. */
export async function startGateway(
  opts: GatewayProcessOptions = {},
): Promise<RunningProcess & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-gw-"));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(await freePort()),
    PORTCULLIS_DATA_DIR: join(dir, "var"),
    PORTCULLIS_LOG_LEVEL: "info",
    // Worker processes of parallel test gateways must not compete for the default metrics port.
    PORTCULLIS_WORKER_METRICS_PORT: "0",
    ...opts.env,
  };
  if (opts.config && opts.config.redis === undefined && env.REDIS_URL === undefined) {
    // Configured gateways share the run's private redis-server under a unique prefix (the embedded default,
    // started without a config, starts its own as a newcomer's would).
    env.REDIS_URL = inject("redisUrl");
    env.PORTCULLIS_REDIS_PREFIX = `{t-${randomBytes(5).toString("hex")}}`;
  }
  if (opts.config) {
    const path = join(dir, "portcullis.yaml");
    writeFileSync(path, stringify(opts.config));
    env.PORTCULLIS_CONFIG = path;
  }
  const [command, script] = opts.compiled
    ? [process.execPath, join(ROOT, "dist/gateway/main.js")]
    : [TSX, join(ROOT, "gateway/main.ts")];
  const child = spawn(command, [script, ...(opts.args ?? [])], { cwd: opts.cwd ?? ROOT, env });
  const out = track(child);
  const url = await waitForLine(child, /"url":"(http:[^"]+)"[^\n]*"msg":"listening"/, "gateway", out);
  return { url, child, dir, output: out, stop: stopper(child) };
}

/** Starts `workers/main.ts` (intake, enforcement, metrics on a free port) and waits for its "workers ready" line. */
export async function startWorkers(opts: { config: Record<string, unknown>; env?: Record<string, string> }) {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-workers-"));
  const path = join(dir, "portcullis.yaml");
  writeFileSync(path, stringify(opts.config));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORTCULLIS_CONFIG: path,
    PORTCULLIS_DATA_DIR: join(dir, "var"),
    PORTCULLIS_WORKER_METRICS_PORT: "0",
    ...opts.env,
  };
  const child = spawn(TSX, [join(ROOT, "workers/main.ts")], { cwd: ROOT, env });
  const out = track(child);
  const url = await waitForLine(child, /"metrics":"(http:[^"]+)"[^\n]*"msg":"workers ready"/, "workers", out);
  return { url, child, dir, output: out, stop: stopper(child) } satisfies RunningProcess & { dir: string };
}

/** A config for tests: both dialects routed to `upstreamUrl`, keys `test-key` (chat+classify) and more. */
export function testConfig(
  upstreamUrl: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    upstreams: {
      mock_openai: {
        baseUrl: upstreamUrl,
        dialect: "openai",
        apiKeyEnv: "MOCK_UPSTREAM_KEY",
        headersTimeoutMs: 3000,
      },
      mock_anthropic: {
        baseUrl: upstreamUrl,
        dialect: "anthropic",
        apiKeyEnv: "MOCK_UPSTREAM_KEY",
        headersTimeoutMs: 3000,
      },
    },
    routes: [
      { match: "*", upstream: "mock_openai" },
      { match: "*", upstream: "mock_anthropic" },
    ],
    keys: [
      {
        id: "k-test",
        sha256: hashKey("test-key"),
        tenant: "acme",
        policy: "strict",
        scopes: ["chat", "classify"],
      },
      {
        id: "k-susp",
        sha256: hashKey("suspended-key"),
        tenant: "acme",
        policy: "strict",
        status: "suspended",
      },
      {
        id: "k-noscope",
        sha256: hashKey("classify-only"),
        tenant: "acme",
        policy: "strict",
        scopes: ["classify"],
      },
      { id: "k-chat", sha256: hashKey("chat-only"), tenant: "acme", policy: "strict", scopes: ["chat"] },
    ],
    policies: { strict: { preset: "asl3" } },
    ...overrides,
  };
}

/** A demo upstream process and a gateway process in front of it, for one test file. */
export interface Stack {
  mock: RunningProcess;
  gateway: RunningProcess & { dir: string };
}

/**
 * Registers `beforeAll`/`afterAll` that start a demo upstream and a gateway configured by `config(mockUrl)`, and
 * stop both. Read `stack.mock` / `stack.gateway` inside tests (they are set once `beforeAll` has run).
 */
export function useStack(
  config: (upstreamUrl: string) => Record<string, unknown> | Promise<Record<string, unknown>>,
  opts: { env?: Record<string, string> } = {},
): Stack {
  const stack = {} as Stack;
  beforeAll(async () => {
    stack.mock = await startDemoUpstreamProcess();
    stack.gateway = await startGateway({ config: await config(stack.mock.url), ...opts });
  });
  afterAll(async () => {
    await stack.gateway?.stop();
    await stack.mock?.stop();
  });
  return stack;
}
