// `npm run build`: typechecks and compiles the services to dist/ with `tsc -p tsconfig.build.json` (incremental: only
// changed files are re-emitted). `--if-stale` (the `prestart*` scripts) first checks whether dist/ is older than any
// file the last build read, so an up-to-date `npm start` costs a few stat calls instead of tsc's ~3 s of loading
// the program. `tsc -b` is not used for that check: for a project that is not `composite` it compares only the
// entry points' timestamps and misses a change in any file they import.
// Plain JavaScript so it runs before anything is compiled, with no loader.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import process from "node:process";

const ROOT = resolve(import.meta.dirname, "..");
const CONFIG = "tsconfig.build.json";
const BUILD_INFO = join(ROOT, "dist/.tsbuildinfo");
/** Inputs tsc does not list in its build info: the configs and the installed dependencies. */
const ALSO = ["tsconfig.json", CONFIG, "package-lock.json"];

/** Why dist/ needs a build, or undefined when every input is older than the last successful build. */
function staleReason() {
  if (!existsSync(BUILD_INFO)) return "no previous build";
  const built = statSync(BUILD_INFO).mtimeMs;
  let info;
  try {
    info = JSON.parse(readFileSync(BUILD_INFO, "utf8"));
  } catch {
    return "unreadable build info";
  }
  if (!Array.isArray(info.fileNames)) return "unknown build info format";
  const inputs = [
    ...info.fileNames.filter((f) => !f.includes("node_modules/")).map((f) => resolve(ROOT, "dist", f)),
    ...ALSO.map((f) => join(ROOT, f)),
  ];
  for (const file of inputs) {
    if (!existsSync(file)) return `${relative(ROOT, file)} is gone`;
    if (statSync(file).mtimeMs > built) return `${relative(ROOT, file)} changed`;
  }
  return undefined;
}

const ifStale = process.argv.includes("--if-stale");
const reason = ifStale ? staleReason() : "requested";
if (reason === undefined) process.exit(0);
if (ifStale) process.stderr.write(`portcullis: building dist/ (${reason})\n`);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  process.stderr.write(
    "portcullis: TypeScript is not installed; run `npm ci` (with dev dependencies) first\n",
  );
  process.exit(1);
}
const started = new Date();
const r = spawnSync(process.execPath, [tsc, "-p", CONFIG], { cwd: ROOT, stdio: "inherit" });
if (r.status !== 0) {
  // tsc still writes dist/ and its build info on type errors: date the build info back so the next start
  // rebuilds (incrementally) and reports them again instead of running this build.
  if (existsSync(BUILD_INFO)) utimesSync(BUILD_INFO, 0, 0);
  process.exit(r.status ?? 1);
}
// The build covers what the sources were when it started (a file saved during the build is newer); tsc leaves the
// build info untouched when nothing it reads changed.
utimesSync(BUILD_INFO, started, started);
