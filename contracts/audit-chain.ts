/**
 * The audit log's entries and chain arithmetic, shared so the processes that append (gateway APIs, enforcement
 * worker) and `npm run audit:verify` agree byte for byte. Each entry is hash-chained (anyone can recompute that)
 * and MAC-chained under the audit key, which never enters Redis; heads are checkpointed outside Redis.
 */
import { createHash, createHmac } from "node:crypto";
import { z } from "zod";

/**
 * One audit entry. `hash` = sha256(prev + canonical JSON of every other field but `mac`): anyone can recompute it.
 * `mac` = HMAC-SHA256 under the audit key (never stored in Redis) of the previous entry's `mac` + canonical JSON of
 * every other field: only a holder of the key can write an entry, or rewrite one and recompute the chain.
 */
export const auditEntrySchema = z.object({
  seq: z.number().int().nonnegative(),
  time: z.string(),
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()),
  prev: z.string(),
  hash: z.string(),
  mac: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Hash (and MAC) of the empty chain. */
export const AUDIT_GENESIS = "0".repeat(64);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The hash an entry must carry. */
export function auditHash(entry: Omit<AuditEntry, "hash" | "mac">): string {
  return createHash("sha256").update(entry.prev).update(canonical(entry)).digest("hex");
}

/** The MAC an entry must carry: keyed by the audit key, chained through the previous entry's MAC. */
export function auditMac(key: Buffer, prevMac: string, entry: Omit<AuditEntry, "mac">): string {
  return createHmac("sha256", key).update(prevMac).update(canonical(entry)).digest("hex");
}

export interface AuditProblem {
  readonly index: number;
  readonly message: string;
}

/** A head recorded outside Redis: the log had `count` entries and the newest carried `mac`. */
export interface AuditCheckpoint {
  readonly count: number;
  readonly mac: string;
  /** The checkpoint file it was read from. */
  readonly file: string;
  /** Its line in that file (1-based). */
  readonly line: number;
}

export interface AuditChainInput {
  /** The list as stored, oldest first. */
  readonly lines: readonly string[];
  /** The stored head hash. */
  readonly head: string | null;
  readonly key: Buffer;
  readonly checkpoints: readonly AuditCheckpoint[];
}

interface ChainState {
  prev: string;
  prevMac: string;
  macs: (string | undefined)[];
}

function checkEntry(line: string, index: number, st: ChainState, key: Buffer): AuditProblem[] {
  let parsed: AuditEntry;
  try {
    parsed = auditEntrySchema.parse(JSON.parse(line));
  } catch {
    st.macs.push(undefined);
    return [{ index, message: "entry is not a valid audit entry" }];
  }
  const problems: AuditProblem[] = [];
  const { mac, ...signed } = parsed;
  const { hash, ...hashed } = signed;
  if (parsed.seq !== index)
    problems.push({ index, message: `sequence ${parsed.seq} where ${index} was expected` });
  if (parsed.prev !== st.prev)
    problems.push({ index, message: "prev does not match the previous entry's hash" });
  if (auditHash(hashed) !== hash)
    problems.push({ index, message: "hash does not match the entry's content" });
  if (auditMac(key, st.prevMac, signed) !== mac) {
    problems.push({
      index,
      message: "MAC does not match (entry written or rewritten without the audit key)",
    });
  }
  st.prev = hash;
  st.prevMac = mac;
  st.macs.push(mac);
  return problems;
}

/** Problems the checkpoints show: per source, the highest count beyond the log and the first MAC that differs. */
function checkCheckpoints(
  macs: readonly (string | undefined)[],
  cps: readonly AuditCheckpoint[],
): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const bySource = new Map<string, AuditCheckpoint[]>();
  for (const cp of cps) bySource.set(cp.file, [...(bySource.get(cp.file) ?? []), cp]);
  for (const list of bySource.values()) {
    const longest = list.reduce((a, b) => (b.count > a.count ? b : a));
    if (longest.count > macs.length) {
      problems.push({
        index: macs.length,
        message:
          `checkpoint ${longest.file}:${longest.line} recorded ${longest.count} entries but the log has ${macs.length} ` +
          `(newest entries removed or the log deleted)`,
      });
    }
    const differs = list.find(
      (cp) => cp.count <= macs.length && cp.count > 0 && macs[cp.count - 1] !== cp.mac,
    );
    if (differs) {
      problems.push({
        index: differs.count - 1,
        message: `entry differs from checkpoint ${differs.file}:${differs.line} (log rewritten after it was recorded)`,
      });
    }
  }
  return problems;
}

/**
 * Checks a chain read back from Redis against the audit key and the checkpoints kept outside Redis: each line
 * parses, sequence numbers run 0..n-1, each `prev` is the previous entry's hash, each hash and MAC recompute, the
 * stored head equals the last hash, and no checkpoint recorded more entries, or another MAC at its position, than
 * the log now has (so truncation with a reset head, a deleted log and a rewritten, re-hashed chain are caught).
 */
export function verifyAuditChain(input: AuditChainInput): AuditProblem[] {
  const st: ChainState = { prev: AUDIT_GENESIS, prevMac: AUDIT_GENESIS, macs: [] };
  const problems = input.lines.flatMap((line, index) => checkEntry(line, index, st, input.key));
  if ((input.head ?? AUDIT_GENESIS) !== st.prev) {
    problems.push({
      index: input.lines.length,
      message: "chain head does not match the last entry (entries removed?)",
    });
  }
  if (input.lines.length > 0 && !input.checkpoints.some((cp) => cp.count > 0)) {
    problems.push({
      index: input.lines.length,
      message: "no checkpoint records any entry, so removal of the newest entries cannot be ruled out",
    });
  }
  problems.push(...checkCheckpoints(st.macs, input.checkpoints));
  return problems;
}
