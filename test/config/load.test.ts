import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { embeddedConfig } from "../../config/embedded.ts";
import { ConfigError, ENV_OVERRIDES, loadConfig, readConfigFile } from "../../config/load.ts";

const base = () => embeddedConfig("http://127.0.0.1:9");

describe("config", () => {
  it("accepts the embedded default and applies documented defaults", () => {
    const c = loadConfig({ raw: base(), source: "test" });
    expect(c.server).toMatchObject({ host: "127.0.0.1", port: 8787, bodyLimitBytes: 1_048_576 });
    expect(c.policies.default?.preset).toBe("asl3");
  });

  it.each([
    [undefined, "refusals"],
    [true, "refusals"],
    [false, "off"],
    ["all", "all"],
  ])(
    "server.incidentHeader %j means %s (the header is not sent on allowed responses by default)",
    (v, mode) => {
      const raw = { ...base(), server: v === undefined ? {} : { incidentHeader: v } };
      expect(loadConfig({ raw, source: "test" }).server.incidentHeader).toBe(mode);
    },
  );

  it.each([
    [{ sever: { port: 1 } }, 'sever: unknown key (did you mean "server"?)'],
    [{ server: { prot: 1 } }, 'server.prot: unknown key (did you mean "port"?)'],
    [{ redis: { prefx: "{x}" } }, 'redis.prefx: unknown key (did you mean "prefix"?)'],
    [{ zebra: 1 }, "zebra: unknown key"],
  ])("refuses the misspelled or unknown key in %j, naming the closest valid one", (patch, line) => {
    expect(() => loadConfig({ raw: { ...base(), ...patch }, source: "test" })).toThrow(line);
  });

  it.each([
    [{ redis: { mode: "cluster" } }, 'redis.mode: "cluster" needs redis.url'],
    [
      { redis: { url: "redis+cluster://a:1,b:2", prefix: "portcullis" } },
      'redis.prefix: "portcullis" needs a hash tag',
    ],
    [
      { redis: { url: "redis://:s3cret@a:1,b:2" } },
      'redis.url: redis URL "redis://***@a:1,b:2" lists several hosts',
    ],
    [{ redis: { url: "redis://a:1", mode: "sentinel" } }, "name the Sentinel primary"],
  ])("refuses the Redis settings in %j, saying why", (patch, line) => {
    expect(() => loadConfig({ raw: { ...base(), ...patch }, source: "test" })).toThrow(line);
  });

  it("takes text overrides as written (a numeric password stays text)", () => {
    const env = { PORTCULLIS_REDIS_SENTINEL_PASSWORD: "007", PORTCULLIS_REFUSAL_TEXT: "42" };
    const c = loadConfig({ raw: base(), source: "test", env });
    expect(c.redis.sentinelPassword).toBe("007");
    expect(c.refusal.text).toBe("42");
  });

  it("accepts config/example.yaml and the Kubernetes ConfigMap's config", () => {
    expect(() => loadConfig({ raw: readConfigFile("config/example.yaml"), source: "example" })).not.toThrow();
    const cm = parseYaml(readFileSync("deploy/k8s/configmap.yaml", "utf8")) as {
      data: Record<string, string>;
    };
    const yamls = Object.entries(cm.data).filter(([name]) => name.endsWith(".yaml"));
    expect(yamls.length).toBeGreaterThan(0);
    for (const [name, text] of yamls) {
      expect(() => loadConfig({ raw: parseYaml(text), source: name })).not.toThrow();
    }
  });

  it("documents every environment override in .env.example", () => {
    const documented = readFileSync(".env.example", "utf8");
    for (const name of Object.keys(ENV_OVERRIDES))
      expect(documented, name).toMatch(new RegExp(`^# ${name}=`, "m"));
  });

  it("applies environment overrides", () => {
    const c = loadConfig({
      raw: base(),
      source: "test",
      env: { PORT: "9999", PORTCULLIS_LOG_CONTENT: "true" },
    });
    expect(c.server.port).toBe(9999);
    expect(c.log.content).toBe(true);
  });

  it.each([
    [{ server: { port: "eighty" } }, /server\.port/],
    [{ upstreams: { x: { baseUrl: "not a url", dialect: "openai" } } }, /upstreams\.x\.baseUrl/],
    [{ upstreams: { x: { baseUrl: "http://a", dialect: "grpc" } } }, /upstreams\.x\.dialect/],
    [{ routes: [{ match: "*", upstream: "nowhere" }] }, /routes\.0\.upstream: unknown upstream "nowhere"/],
    [{ keys: [{ id: "k", sha256: "abc", tenant: "t", policy: "default" }] }, /keys\.0\.sha256/],
    [
      { policies: { default: { stages: { prompt: { cascade: [["ghost"]] } } } } },
      /policies\.default\.stages\.prompt\.cascade\.0\.0: unknown classifier "ghost"/,
    ],
    [
      { policies: { default: { stages: { prompt: { failMode: "ajar" } } } } },
      /policies\.default\.stages\.prompt\.failMode/,
    ],
  ])("refuses %j naming the bad key", (patch, message) => {
    const raw = { ...base(), ...patch };
    expect(() => loadConfig({ raw, source: "test" })).toThrow(ConfigError);
    expect(() => loadConfig({ raw, source: "test" })).toThrow(message);
  });
});

describe("config/example.yaml", () => {
  it("is a valid config", async () => {
    const { readConfigFile } = await import("../../config/load.ts");
    const c = loadConfig({ raw: readConfigFile("config/example.yaml"), source: "config/example.yaml" });
    expect(Object.keys(c.upstreams)).toEqual(["openai", "anthropic"]);
    expect(c.policies.relaxed?.preset).toBe("asl2");
  });
});
