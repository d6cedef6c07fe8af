/**
 * `POST /v1/classify`: batch classification for users (keys with the `classify` scope). Runs the key's policy
 * stage (its full cascade) on each input and returns the scores, the categories that crossed a threshold, and the
 * action the policy would take. Nothing is forwarded upstream and no incident is recorded.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { renderTurns, type ClassifierInput, type Turn } from "../../classifiers/types.ts";
import { openaiDialect } from "../dialects/openai.ts";
import type { AppEnv } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { readValidBody } from "../http/json-body.ts";
import { auth } from "../middleware/auth.ts";
import { recordOutcome } from "./outcome.ts";

const messageSchema = z.object({
  role: z.enum(["system", "user", "assistant", "tool"]),
  content: z.string(),
});

const inputSchema = z.discriminatedUnion("stage", [
  z.object({ stage: z.literal("prompt"), text: z.string(), system: z.string().optional() }),
  z.object({ stage: z.literal("completion"), completion: z.string(), prompt: z.string().default("") }),
  z.object({ stage: z.literal("conversation"), messages: z.array(messageSchema).min(1) }),
]);
type Input = z.infer<typeof inputSchema>;

const bodySchema = z.union([
  z.object({ inputs: z.array(inputSchema).min(1).max(256, "at most 256 inputs per request") }),
  inputSchema.transform((i) => ({ inputs: [i] })),
]);

function toClassifierInput(i: Input): ClassifierInput {
  switch (i.stage) {
    case "prompt":
      return { stage: "prompt", text: i.text, ...(i.system !== undefined ? { context: i.system } : {}) };
    case "completion":
      return { stage: "completion", text: i.completion, context: i.prompt };
    case "conversation": {
      const turns: Turn[] = i.messages.map((m) => ({ role: m.role, text: m.content }));
      return { stage: "conversation", text: renderTurns(turns), turns };
    }
  }
}

export function registerClassifyRoutes(app: Hono<AppEnv>): void {
  app.post(
    "/v1/classify",
    async function setDialect(c, next) {
      c.set("dialect", openaiDialect);
      await next();
    },
    auth({ scope: "classify" }),
    async function classify(c) {
      const deps = c.var.deps;
      const body = await readValidBody(c, bodySchema, { limit: deps.config.server.bodyLimitBytes });
      const policy = deps.policies.get(c.var.key.policy);
      if (!policy) throw new GatewayError("internal", `policy "${c.var.key.policy}" is not loaded`);
      const results = await Promise.all(
        body.inputs.map(async (i) => {
          const out = await deps.screener.runStage(
            i.stage,
            policy.stages[i.stage],
            toClassifierInput(i),
            c.req.raw.signal,
          );
          return {
            stage: i.stage,
            action: out.action,
            scores: out.scores,
            categories: [...new Set(out.fired.map((f) => f.key))],
            classifiers: out.classifiers.map((r) => ({
              name: r.name,
              ms: Number(r.ms.toFixed(3)),
              ...(r.error ? { error: r.error } : {}),
            })),
            ...(out.failMode ? { failMode: out.failMode } : {}),
          };
        }),
      );
      recordOutcome(c, { decision: "allow", status: 200 });
      return c.json({ policy: { name: policy.name, version: policy.version }, results });
    },
  );
}
