/**
 * The deep-scan processor: runs the expensive judge on a sampled or uncertain request after the fact and files a
 * hit as an incident (source `deep-scan`), like an offline monitor. Judge failures throw so BullMQ retries with
 * backoff; the job id is the request's deep-scan id, so a request is judged (and filed) once.
 */
import { UnrecoverableError, type Job } from "bullmq";
import type { Classifier, ClassifierInput, Scores, ScoreKey } from "../../classifiers/types.ts";
import { HARM_CATEGORIES } from "../../classifiers/types.ts";
import { deepScanJobSchema, type IncidentEvent, type StageRecord } from "../../contracts/incident.ts";
import { prepareIncident } from "../intake/prepare.ts";
import type { Redactor } from "../../contracts/redact.ts";
import type { IntakeOptions, IntakeOutcome } from "../intake/intake.ts";

export interface DeepScanOptions {
  judge: Classifier;
  intake: IntakeOptions;
  redact: Redactor;
  /** Judge `harmful` score that makes a hit. @defaultValue 0.5 */
  threshold?: number;
  store: (o: IntakeOptions, record: ReturnType<typeof prepareIncident>) => Promise<IntakeOutcome>;
}

function judgeInput(e: IncidentEvent): ClassifierInput {
  const lastUser = [...e.conversation].reverse().find((t) => t.role === "user")?.text ?? "";
  if (e.completion && e.completion.excerpt.length > 0) {
    return { stage: "completion", text: e.completion.excerpt, context: lastUser };
  }
  return { stage: "prompt", text: lastUser };
}

function fired(scores: Scores, threshold: number): StageRecord["fired"] {
  return (Object.entries(scores) as [ScoreKey, number][])
    .filter(
      ([k, v]) => v >= threshold && (k === "harmful" || (HARM_CATEGORIES as readonly string[]).includes(k)),
    )
    .map(([key, score]) => ({ key, score, action: "flag" as const }));
}

/** The BullMQ processor for the deep-scan queue. */
export function createDeepScanProcessor(o: DeepScanOptions): (job: Job) => Promise<string> {
  const threshold = o.threshold ?? 0.5;
  return async function deepScan(job) {
    const parsed = deepScanJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError("invalid deep-scan payload");
    const { event, id } = parsed.data;
    const input = judgeInput(event);
    const t0 = performance.now();
    const r = await o.judge.classify(input, AbortSignal.timeout(60_000));
    if (!r.ok) {
      if (!r.error.retryable) throw new UnrecoverableError(`judge failed: ${r.error.message}`);
      throw new Error(`judge failed: ${r.error.message}`);
    }
    if ((r.value.harmful ?? 0) < threshold) return "clean";
    const stage: StageRecord = {
      stage: input.stage,
      action: "flag",
      scores: r.value,
      fired: fired(r.value, threshold),
      classifiers: [{ name: o.judge.name, scores: r.value, ms: performance.now() - t0 }],
    };
    const hit: IncidentEvent = {
      ...event,
      id,
      time: new Date().toISOString(),
      action: "flag",
      categories: stage.fired.map((f) => f.key).filter((k) => k !== "harmful"),
      stages: [...event.stages, stage],
    };
    const record = prepareIncident(hit, { redact: o.redact, source: "deep-scan", locate: o.intake.locate });
    const outcome = await o.store(o.intake, record);
    return `hit:${outcome}`;
  };
}
