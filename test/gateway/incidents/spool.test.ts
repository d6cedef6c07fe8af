/**
 * The incident spool holds events while Redis is away, so it is private to the gateway's user (issue 10, item 8):
 * the directory is 0700 and every spool file 0600, whatever the umask, and a spool left by an older version with
 * looser modes is tightened when the gateway starts. The spool-only producer writes redacted events.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEventRedactor } from "../../../contracts/redact.ts";
import { createSpool, createSpoolProducer } from "../../../gateway/incidents/spool.ts";
import { cbrnEvent } from "../../incidents/fixtures.ts";

const mode = (path: string): number => statSync(path).mode & 0o777;

describe("spool file modes", () => {
  let root: string;
  let umask: number;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "portcullis-spool-"));
    // The usual default: without explicit modes new files would be 0644 and directories 0755.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it("creates a 0700 directory and 0600 spool and draining files", async () => {
    const dir = join(root, "spool");
    const spool = createSpool(join(dir, "incidents.jsonl"));
    await spool.append(cbrnEvent(1));
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, "incidents.jsonl"))).toBe(0o600);
    const [draining] = await spool.takeBatches();
    expect(draining).toBeDefined();
    expect(mode(draining ?? "")).toBe(0o600);
    await spool.append(cbrnEvent(2));
    expect(mode(join(dir, "incidents.jsonl"))).toBe(0o600);
    await spool.close();
  });

  it("tightens a spool directory and files an older version left readable", async () => {
    const dir = join(root, "spool");
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const live = join(dir, "incidents.jsonl");
    const old = join(dir, "incidents.jsonl.17000000000000000.draining");
    writeFileSync(live, `${JSON.stringify(cbrnEvent(1))}\n`, { mode: 0o644 });
    writeFileSync(old, `${JSON.stringify(cbrnEvent(2))}\n`, { mode: 0o666 });
    chmodSync(old, 0o666);
    const spool = createSpool(live);
    expect(mode(dir)).toBe(0o700);
    expect(mode(live)).toBe(0o600);
    expect(mode(old)).toBe(0o600);
    expect(await spool.readAll()).toHaveLength(1);
    await spool.close();
  });
});

describe("spool-only producer", () => {
  it("writes the redacted event, never the raw text", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "portcullis-spool-")), "spool", "incidents.jsonl");
    const spool = createSpool(path);
    const redact = createEventRedactor({ emails: true, cards: true, phones: true, patterns: [] });
    const errors: unknown[] = [];
    const producer = createSpoolProducer(spool, (e) => errors.push(e), redact);
    const text = "Sarin, for jane@example.com, card 4111 1111 1111 1111, phone +1 415 555 0100";
    await producer.publish(cbrnEvent(1, { conversation: [{ role: "user", text }] }));
    await producer.close();
    expect(errors).toEqual([]);
    const files = readdirSync(join(path, ".."));
    const written = files.map((f) => readFileSync(join(path, "..", f), "utf8")).join("");
    expect(written).toContain("Sarin, for [EMAIL], card [CARD], phone [PHONE]");
    expect(written).not.toMatch(/jane@|4111|555 0100/);
  });
});
