/**
 * CLI of the demo upstream: `npm run start:demo-upstream -- [--port N] [--host H] [--token-delay-ms N] [--no-record]`
 * (compiled), or `tsx gateway/embedded/demo-upstream/main.ts ...` (tests and benchmarks).
 * Prints one JSON line `{"url": ...}` to stdout once listening; closes on SIGTERM/SIGINT.
 */
import { parseArgs } from "node:util";
import { startDemoUpstream } from "./server.ts";
import type { DemoUpstreamOptions } from "./server.ts";

function toNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    process.stderr.write(`demo-upstream: --${name} must be a non-negative number, got ${value}\n`);
    process.exit(2);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "token-delay-ms": { type: "string" },
      "no-record": { type: "boolean", default: false },
    },
    strict: true,
  });
  const opts: DemoUpstreamOptions = {
    port: toNumber("port", values.port, 0),
    host: values.host ?? "127.0.0.1",
    tokenDelayMs: toNumber("token-delay-ms", values["token-delay-ms"], 0),
    record: !values["no-record"],
  };
  const upstream = await startDemoUpstream(opts);
  process.stdout.write(`${JSON.stringify({ url: upstream.url })}\n`);
  const shutdown = (): void => {
    upstream.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`demo-upstream: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo-upstream: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
