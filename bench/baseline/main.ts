/**
 * CLI of the baseline proxy: `tsx bench/baseline/main.ts --upstream URL [--port N]`. Prints one JSON line
 * `{"url": ...}` once listening; closes on SIGTERM/SIGINT.
 */
import { parseArgs } from "node:util";
import { startBaselineProxy } from "./server.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { upstream: { type: "string" }, port: { type: "string" }, host: { type: "string" } },
    strict: true,
  });
  if (values.upstream === undefined) {
    process.stderr.write("baseline: --upstream URL is required\n");
    process.exit(2);
  }
  const proxy = await startBaselineProxy({
    upstreamUrl: values.upstream,
    port: Number(values.port ?? 0),
    ...(values.host !== undefined ? { host: values.host } : {}),
  });
  process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`);
  const shutdown = (): void => {
    proxy.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`baseline: close failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`baseline: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
