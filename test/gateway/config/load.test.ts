import { describe, expect, it } from "vitest";
import { embeddedConfig } from "../../../gateway/config/embedded.ts";
import { ConfigError, loadConfig } from "../../../gateway/config/load.ts";

const base = () => embeddedConfig("http://127.0.0.1:9");

describe("config", () => {
  it("accepts the embedded default and applies documented defaults", () => {
    const c = loadConfig({ raw: base(), source: "test" });
    expect(c.server).toMatchObject({ host: "127.0.0.1", port: 8787, bodyLimitBytes: 1_048_576 });
    expect(c.policies.default?.preset).toBe("asl3");
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
    const { readConfigFile } = await import("../../../gateway/config/load.ts");
    const c = loadConfig({ raw: readConfigFile("config/example.yaml"), source: "config/example.yaml" });
    expect(Object.keys(c.upstreams)).toEqual(["openai", "anthropic"]);
    expect(c.policies.relaxed?.preset).toBe("asl2");
  });
});
