/**
 * Remote LLM judge over any OpenAI-compatible `/v1/chat/completions` endpoint (e.g. a Llama Guard
 * deployment). Slow: meant for cascade escalation and async deep scans, never every request by default.
 * Timeouts, HTTP errors and unparsable answers come back as `Result` errors unless `failMode` says otherwise.
 */
import { err, ok } from "../types.ts";
import type { Classifier, ClassifierError, ClassifierInput, HarmCategory, Result, Scores } from "../types.ts";
import {
  DEFAULT_CATEGORY_MAP,
  LLAMA_GUARD_TEMPLATE,
  parseJudgeOutput,
  renderJudgePrompt,
} from "./llama-guard.ts";

/** Options of `createJudgeClassifier`. */
export interface JudgeClassifierOptions {
  /** Server root or `/v1` base, e.g. `http://127.0.0.1:8000` or `http://127.0.0.1:8000/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  /** Sent as `Authorization: Bearer`. */
  readonly apiKey?: string | undefined;
  /** Per-call timeout. */
  readonly timeoutMs: number;
  /** @defaultValue the Llama Guard 3 template */
  readonly promptTemplate?: string;
  /** Hazard code -> categories. @defaultValue Llama Guard 3 codes mapped to our taxonomy */
  readonly categoryMap?: Readonly<Record<string, readonly HarmCategory[]>>;
  /** On failure: return the error (`error`, the stage's fail mode decides), or score as safe/unsafe. @defaultValue "error" */
  readonly failMode?: "error" | "safe" | "unsafe";
  /** @defaultValue "judge" */
  readonly name?: string;
}

interface ChatResponse {
  choices?: { message?: { content?: unknown } }[];
}

function endpoint(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return `${base.endsWith("/v1") ? base : `${base}/v1`}/chat/completions`;
}

/** Creates the judge classifier. */
export function createJudgeClassifier(o: JudgeClassifierOptions): Classifier {
  const url = endpoint(o.baseUrl);
  const template = o.promptTemplate ?? LLAMA_GUARD_TEMPLATE;
  const map = o.categoryMap ?? DEFAULT_CATEGORY_MAP;
  const name = o.name ?? "judge";
  const failMode = o.failMode ?? "error";

  const fail = (e: ClassifierError): Result<Scores, ClassifierError> =>
    failMode === "error" ? err(e) : ok({ harmful: failMode === "unsafe" ? 1 : 0 });

  const toScores = (unsafe: boolean, codes: readonly string[]): Scores => {
    const scores: Scores = { harmful: unsafe ? 1 : 0 };
    for (const code of codes) for (const c of map[code] ?? ["other_harm"]) scores[c] = 1;
    return scores;
  };

  async function classify(
    input: ClassifierInput,
    signal: AbortSignal,
  ): Promise<Result<Scores, ClassifierError>> {
    if (signal.aborted) return err({ code: "aborted", message: "judge call aborted", retryable: false });
    const timeout = AbortSignal.timeout(o.timeoutMs);
    const prompt = renderJudgePrompt(template, input.stage, {
      text: input.text,
      ...(input.context !== undefined ? { context: input.context } : {}),
      ...(input.turns ? { turns: input.turns } : {}),
    });
    let body: ChatResponse;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: o.model,
          messages: [{ role: "user", content: prompt }],
          temperature: 0,
          max_tokens: 32,
        }),
        signal: AbortSignal.any([signal, timeout]),
      });
      if (!res.ok) {
        await res.body?.cancel();
        return fail({
          code: "failed",
          message: `judge answered HTTP ${res.status}`,
          retryable: res.status >= 500 || res.status === 429,
        });
      }
      body = (await res.json()) as ChatResponse;
    } catch (e: unknown) {
      if (timeout.aborted)
        return fail({
          code: "timeout",
          message: `judge timed out after ${o.timeoutMs} ms`,
          retryable: true,
          cause: e,
        });
      if (signal.aborted)
        return err({ code: "aborted", message: "judge call aborted", retryable: false, cause: e });
      return fail({ code: "failed", message: "judge request failed", retryable: true, cause: e });
    }
    const content = body.choices?.[0]?.message?.content;
    const verdict = typeof content === "string" ? parseJudgeOutput(content) : null;
    if (!verdict)
      return fail({
        code: "failed",
        message: "judge output is neither 'safe' nor 'unsafe'",
        retryable: false,
      });
    return ok(toScores(verdict.unsafe, verdict.codes));
  }

  return { name, kind: "judge", classify };
}
