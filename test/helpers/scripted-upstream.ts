/**
 * An upstream whose every reply the test writes: for hostile or unusual upstream output that the demo upstream's
 * scenarios do not produce (extra output channels, oversized events, endless bodies). Runs in the test process; the
 * gateway under test is pointed at `url` like at the demo upstream.
 *
 * @example
 * const up = useScriptedUpstream();
 * up.reply = (req, res) => res.end(JSON.stringify(body));
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

/** Writes one reply; the request body is already read (`body`). */
export type ScriptedReply = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface ScriptedUpstream {
  url: string;
  /** The handler for the next requests; replace it per test. Defaults to 404. */
  reply: ScriptedReply;
  /** Bodies of the requests received, oldest first. */
  readonly received: string[];
  close(): Promise<void>;
}

/** Starts a scripted upstream on a free loopback port; `into` (optional) is filled in place and returned. */
export async function startScriptedUpstream(into?: Partial<ScriptedUpstream>): Promise<ScriptedUpstream> {
  const notFound: ScriptedReply = (_req, res) => {
    res.writeHead(404).end();
  };
  const up = Object.assign(into ?? {}, {
    url: "",
    received: [] as string[],
    reply: notFound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      up.received.push(body);
      up.reply(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  up.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return up;
}

/** Registers `beforeAll`/`afterAll` for a scripted upstream; its fields are set once `beforeAll` has run. */
export function useScriptedUpstream(): ScriptedUpstream {
  const up = {} as ScriptedUpstream;
  beforeAll(async () => {
    await startScriptedUpstream(up);
  });
  afterAll(async () => {
    await up.close?.();
  });
  return up;
}
