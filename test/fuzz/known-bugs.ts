/**
 * Gateway bugs the fuzzer found that are not fixed yet. A case that would hit one is not generated (so the rest of
 * the space stays covered in CI); `PORTCULLIS_FUZZ_KNOWN_BUGS=1` generates them again, to check a fix. Delete an
 * entry with its fix.
 */
import type { FuzzRequest } from "./requests.ts";
import type { UpstreamPlan } from "./upstream-replies.ts";

interface KnownBug {
  /** What goes wrong, where. */
  readonly what: string;
  readonly hits: (req: FuzzRequest, plan: UpstreamPlan | undefined) => boolean;
}

/**
 * None open. Fixed after the fuzzer found them: a stream request whose upstream answered 2xx without an event
 * stream crashed the gateway (forward-stream.ts); an upstream error body with an `error` key in neither dialect's
 * shape was passed on unchanged (app.ts); events after an upstream's terminal event were forwarded (guard.ts).
 */
export const KNOWN_BUGS: readonly KnownBug[] = [];

const include = process.env.PORTCULLIS_FUZZ_KNOWN_BUGS === "1";

/** Whether a case may be generated: it hits no known, unfixed bug (or those are asked for). */
export function avoidsKnownBugs(req: FuzzRequest, plan: UpstreamPlan | undefined): boolean {
  return include || !KNOWN_BUGS.some((b) => b.hits(req, plan));
}
