/**
 * Where the running code lives. The same module runs as TypeScript under tsx (`gateway/fs/project-root.ts`: tests,
 * `npm run` tools) and compiled (`dist/gateway/fs/project-root.js`: `npm start`, the image), so files that ship beside
 * the sources (`models/`, the signatures' benign set) and the project's other entry points are resolved from here
 * rather than from the calling module's own folder, which differs between the two.
 */
import { join, resolve } from "node:path";

/** True when this process runs the compiled JavaScript (`npm run build` writes `dist/`), false under tsx. */
export const RUNS_COMPILED = import.meta.filename.endsWith(".js");

/** The repository root (package.json, `models/`, `node_modules/`), also when the code runs from `dist/`. */
export const PROJECT_ROOT = resolve(import.meta.dirname, RUNS_COMPILED ? "../../.." : "../..");

/** A command line for `process.execPath` that runs one of the project's entry points in a child process. */
export interface EntryPointCommand {
  /** Node flags, then the script. */
  readonly args: readonly string[];
}

/**
 * How to start the entry point `source` (a path relative to the project root, e.g. `workers/main.ts`) the way this
 * process runs: its compiled file under `dist/` with plain node, or the source with tsx's loader (node itself, not
 * the `tsx` CLI, which would add a process in between).
 *
 * @example entryPointCommand("workers/main.ts") // compiled: ["<root>/dist/workers/main.js"]
 */
export function entryPointCommand(source: string, root: string = PROJECT_ROOT): EntryPointCommand {
  if (!RUNS_COMPILED) return { args: ["--import", "tsx", join(root, source)] };
  return { args: [join(root, "dist", source.replace(/\.tsx?$/, ".js"))] };
}
