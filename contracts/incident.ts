/**
 * The incident contract shared by the gateway (producer) and the workers (consumers): job names, the zod payload
 * schema and the producer interface. Both sides import this module; it imports nothing from either.
 */
import { z } from "zod";
import { SCORE_KEYS, STAGES } from "../classifiers/types.ts";

export const INCIDENT_QUEUE = "portcullis-incidents";
export const INCIDENT_JOB = "incident";

export const actionSchema = z.enum(["allow", "shadow", "flag", "block"]);
export type Action = z.infer<typeof actionSchema>;

const scoresSchema = z.partialRecord(z.enum(SCORE_KEYS), z.number());

/** One stage's outcome as recorded in an incident. */
export const stageRecordSchema = z.object({
  stage: z.enum(STAGES),
  action: actionSchema,
  scores: scoresSchema,
  /** Keys whose score crossed a threshold, with the action each one triggered. */
  fired: z.array(z.object({ key: z.enum(SCORE_KEYS), score: z.number(), action: actionSchema })),
  /** Per-classifier scores and timings. */
  classifiers: z.array(
    z.object({
      name: z.string(),
      scores: scoresSchema,
      ms: z.number(),
      error: z.string().optional(),
    }),
  ),
  /** Set when a classifier failed or the stage deadline passed and the fail mode decided the action. */
  failMode: z.enum(["open", "closed"]).optional(),
});
export type StageRecord = z.infer<typeof stageRecordSchema>;

export const incidentEventSchema = z.object({
  id: z.string().min(1).max(128),
  time: z.string(),
  requestId: z.string(),
  tenant: z.string(),
  keyId: z.string(),
  model: z.string(),
  upstream: z.string(),
  dialect: z.enum(["openai", "anthropic"]),
  action: actionSchema,
  categories: z.array(z.string()),
  stages: z.array(stageRecordSchema),
  policy: z.object({ name: z.string(), version: z.string() }),
  conversation: z.array(z.object({ role: z.string(), text: z.string() })),
  completion: z
    .object({
      /** The completion text as far as it was seen (partial when the stream was cut). */
      excerpt: z.string(),
      /** Characters released to the client before the stream was cut, when it was. */
      cutAt: z.number().int().nonnegative().optional(),
      streamed: z.boolean(),
    })
    .optional(),
  client: z.object({ userId: z.string().optional(), ip: z.string().optional() }),
});
export type IncidentEvent = z.infer<typeof incidentEventSchema>;

/**
 * Where the gateway hands incident events. `publish` never rejects and never blocks the request for long:
 * an implementation that cannot deliver spools to disk.
 */
export interface IncidentProducer {
  publish(event: IncidentEvent): Promise<void>;
  close(): Promise<void>;
}
