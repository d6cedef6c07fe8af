/**
 * The command line of `npm start` / `gateway/main.ts`: options, `--help`, and `.env` loading. A bad option is a
 * one-line error and exit 2, never a stack trace.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";

export const USAGE = `usage: npm start -- [--config FILE] [--no-workers] [--help]

  --config FILE   YAML config (default: $PORTCULLIS_CONFIG; unset = the embedded demo default)
  --no-workers    serve only; run the incident workers separately (npm run start:workers)
  --help          print this and exit

Environment overrides are listed in .env.example; a .env file in the working directory is loaded first
(variables already set in the environment win).
`;

export interface GatewayArgs {
  readonly config: string | undefined;
  readonly noWorkers: boolean;
}

/**
 * Parses the arguments; prints usage and exits 0 on `--help`, prints the problem and usage and exits 2 on a bad
 * option.
 */
export function parseGatewayArgs(argv: readonly string[] = process.argv.slice(2)): GatewayArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: "string" },
        "no-workers": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e: unknown) {
    process.stderr.write(`portcullis: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  return { config: values.config, noWorkers: values["no-workers"] === true };
}

/** Loads `.env` from the working directory when present; variables already in the environment are kept. */
export function loadDotEnv(path = ".env"): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}
