/**
 * A real local Redis Cluster for the tests: `redis-server --cluster-enabled yes` processes on loopback ports
 * (AOF with fsync always, so a restarted node keeps what it acknowledged), joined by `redis-cli --cluster create`,
 * three masters with one replica each by default. A short node timeout makes a failover take about two seconds.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { freePort } from "../../gateway/embedded/redis-child.ts";
import { killRedisServer, startRedisServer } from "./redis-server.ts";

const run = promisify(execFile);

export interface ClusterNode {
  readonly port: number;
  process: ChildProcess;
}

export interface RedisCluster {
  readonly nodes: readonly ClusterNode[];
  /** `redis+cluster://` URL listing every node as a seed. */
  readonly url: string;
  /** The port of the master that serves `key`'s slot now. */
  masterFor(key: string): Promise<number>;
  /** SIGKILLs one node. */
  kill(port: number): Promise<void>;
  /** Starts a killed node again on its data (it rejoins, as a replica when it lost its slots) and waits for it. */
  restart(port: number): Promise<void>;
  /** Waits until `cluster_state:ok` as seen from `port` and every slot range has a live master. */
  waitHealthy(port?: number, timeoutMs?: number): Promise<void>;
  /** After `kill(port)` of a master: waits until the others marked it failed and a replica took its slots. */
  waitFailover(port: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function startNode(port: number, dir: string, nodeTimeoutMs: number): Promise<ChildProcess> {
  mkdirSync(dir, { recursive: true });
  const args = [
    ...["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"],
    ...["--cluster-node-timeout", String(nodeTimeoutMs)],
  ];
  return startRedisServer({ port, dir, args });
}

async function withNode<T>(port: number, f: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on("error", () => undefined);
  try {
    await r.connect();
    return await f(r);
  } finally {
    r.disconnect();
  }
}

/** `CLUSTER NODES` lines as records. */
async function clusterNodes(port: number) {
  const text = (await withNode(port, (r) => r.call("CLUSTER", "NODES"))) as string;
  return text
    .trim()
    .split("\n")
    .map((line) => {
      const [id, addr, flags, , , , , , ...slots] = line.split(" ");
      return {
        id: id ?? "",
        port: Number(/:(\d+)@/.exec(addr ?? "")?.[1] ?? 0),
        flags: (flags ?? "").split(","),
        slots,
      };
    });
}

async function waitUntil(ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await ok().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`redis cluster: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startRedisCluster(
  o: { masters?: number; replicas?: number; nodeTimeoutMs?: number } = {},
) {
  const masters = o.masters ?? 3;
  const replicas = o.replicas ?? 1;
  const nodeTimeoutMs = o.nodeTimeoutMs ?? 1_000;
  const root = mkdtempSync(join(tmpdir(), "portcullis-cluster-"));
  const ports: number[] = [];
  while (ports.length < masters * (1 + replicas)) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const nodes: ClusterNode[] = await Promise.all(
    ports.map(async (port) => ({
      port,
      process: await startNode(port, join(root, String(port)), nodeTimeoutMs),
    })),
  );

  async function waitHealthy(port = ports[0] ?? 0, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        const info = (await withNode(port, (r) => r.call("CLUSTER", "INFO"))) as string;
        const list = await clusterNodes(port);
        const serving = list.filter(
          (n) => n.flags.includes("master") && !n.flags.includes("fail") && n.slots.length > 0,
        );
        if (info.includes("cluster_state:ok") && serving.length === masters) return;
      } catch {
        // A node not yet answering: try again.
      }
      if (Date.now() > until) throw new Error(`redis cluster not healthy within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const cluster: RedisCluster = {
    nodes,
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`,
    async masterFor(key) {
      const live = nodes.find((n) => n.process.exitCode === null && n.process.signalCode === null);
      const port = live?.port ?? 0;
      const slot = Number(await withNode(port, (r) => r.call("CLUSTER", "KEYSLOT", key)));
      const owner = (await clusterNodes(port)).find(
        (n) =>
          n.flags.includes("master") &&
          !n.flags.includes("fail") &&
          n.slots.some((range) => {
            const [a, b] = range.split("-").map(Number);
            return a !== undefined && slot >= a && slot <= (b ?? a);
          }),
      );
      if (!owner) throw new Error(`no live master serves slot ${slot}`);
      return owner.port;
    },
    async kill(port) {
      const node = nodes.find((n) => n.port === port);
      if (node) await killRedisServer(node.process);
    },
    async restart(port) {
      const node = nodes.find((n) => n.port === port);
      if (!node) throw new Error(`no cluster node on port ${port}`);
      node.process = await startNode(port, join(root, String(port)), nodeTimeoutMs);
      await waitUntil(async () => {
        const info = await withNode(port, (r) => r.info("replication"));
        return /role:master/.test(info) || /master_link_status:up/.test(info);
      }, 30_000);
      await waitHealthy(port);
    },
    waitHealthy,
    async waitFailover(dead, timeoutMs = 30_000) {
      const witness = nodes.find((n) => n.port !== dead && n.process.exitCode === null)?.port ?? 0;
      await waitUntil(async () => {
        const list = await clusterNodes(witness);
        return list.some((n) => n.port === dead && n.flags.includes("fail"));
      }, timeoutMs);
      await waitHealthy(witness, timeoutMs);
    },
    async stop() {
      await Promise.all(nodes.map((n) => killRedisServer(n.process)));
      rmSync(root, { recursive: true, force: true });
    },
  };

  try {
    await run("redis-cli", [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      String(replicas),
      "--cluster-yes",
    ]);
    await waitHealthy();
    // Replication links up: every master reports its replicas online before a test relies on them.
    await Promise.all(
      ports.map((p) =>
        withNode(p, async (r) => {
          const until = Date.now() + 20_000;
          for (;;) {
            const info = await r.info("replication");
            const role = /role:(\w+)/.exec(info)?.[1];
            if (
              role === "slave"
                ? /master_link_status:up/.test(info)
                : (/connected_slaves:(\d+)/.exec(info)?.[1] ?? "0") === String(replicas)
            )
              return;
            if (Date.now() > until) throw new Error(`replication on ${p} not up`);
            await new Promise((res) => setTimeout(res, 100));
          }
        }),
      ),
    );
  } catch (e: unknown) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}
