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

/** Queue of strikes and reviewer decisions, consumed by the enforcement worker. */
export const ENFORCEMENT_QUEUE = "portcullis-enforcement";
/** A strike against a key: a blocked request, or a violation confirmed by a reviewer. */
export const STRIKE_JOB = "strike";
/** A reviewer's decision, counted by outcome and turned into a strike when it confirms a violation. */
export const DECISION_JOB = "decision";
/** A suspension notice for the configured webhook (own job so it retries independently). */
export const WEBHOOK_JOB = "webhook";

export const strikeJobSchema = z.object({
  keyId: z.string().min(1),
  tenant: z.string(),
  incidentId: z.string().min(1),
  kind: z.enum(["block", "violation"]),
});
export type StrikeJob = z.infer<typeof strikeJobSchema>;

/** Review outcomes (DESIGN section 6). */
export const DECISIONS = ["violation", "benign", "escalate"] as const;
export type ReviewDecision = (typeof DECISIONS)[number];

export const decisionJobSchema = z.object({
  incidentId: z.string().min(1),
  keyId: z.string(),
  tenant: z.string(),
  decision: z.enum(DECISIONS),
  category: z.string().optional(),
  reviewer: z.string(),
});
export type DecisionJob = z.infer<typeof decisionJobSchema>;

export const webhookJobSchema = z.object({
  event: z.literal("key.suspended"),
  keyId: z.string(),
  tenant: z.string(),
  strikes: z.number(),
  incidentId: z.string(),
  at: z.string(),
});
export type WebhookJob = z.infer<typeof webhookJobSchema>;

/** Queue of requests sampled (or uncertain) for the expensive asynchronous judge. */
export const DEEP_SCAN_QUEUE = "portcullis-deep-scan";
export const DEEP_SCAN_JOB = "deep-scan";

/** What the deep-scan worker needs to judge a request and, on a hit, file an incident after the fact. */
export const deepScanJobSchema = z.object({
  id: z.string().min(1).max(128),
  reason: z.enum(["sample", "uncertain"]),
  event: incidentEventSchema,
});
export type DeepScanJob = z.infer<typeof deepScanJobSchema>;

/**
 * Review queues in priority order: escalations (admins only), CBRN and child safety, then blocks, then flags.
 * `claim` without a queue takes the oldest incident of the first non-empty queue the reviewer may claim from.
 */
export const REVIEW_QUEUES = ["escalated", "cbrn", "child_safety", "blocked", "flagged"] as const;
export type ReviewQueue = (typeof REVIEW_QUEUES)[number];

/** The part of the text the reviewer should look at first. `source` says which text the offsets index. */
export const spanSchema = z.object({
  source: z.enum(["conversation", "completion"]),
  /** Turn index when `source` is `conversation`. */
  turn: z.number().int().nonnegative().optional(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type Span = z.infer<typeof spanSchema>;

/** An incident as the intake worker stores it: the redacted event plus routing data. */
export const storedIncidentSchema = incidentEventSchema.extend({
  receivedAt: z.string(),
  queue: z.enum(REVIEW_QUEUES).nullable(),
  span: spanSchema.nullable(),
  /** Set on incidents filed by the deep scan. */
  source: z.enum(["gateway", "deep-scan"]).default("gateway"),
});
export type StoredIncident = z.infer<typeof storedIncidentSchema>;
