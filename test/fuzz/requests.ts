/**
 * Request generators for every client-facing API: a valid request of the route's dialect (benign, harmful or
 * random text; JSON or stream), then mutated - fields dropped, duplicated or retyped, deep nesting, huge arrays,
 * long strings, invalid UTF-8, truncated JSON, wrong content types - with odd headers (duplicate or conflicting
 * credentials, header values at Node's size limits, latin-1 bytes) and sometimes a chunked body.
 */
import fc from "fast-check";
import { headers, presentedKey, type Headers } from "./headers.ts";
import { KEYS, MODELS } from "./setup.ts";
import { mutatedBytes, rawMutation, valueMutation, type RawMutation } from "./mutate.ts";

export type RouteKind = "chat" | "responses" | "messages" | "count_tokens" | "classify" | "models" | "stray";

export interface FuzzRequest {
  readonly route: RouteKind;
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly headers: Readonly<Headers>;
  readonly body: Buffer | undefined;
  /** Sent with `transfer-encoding: chunked` instead of a `content-length`. */
  readonly chunked: boolean;
}

/** Refused by the shipped rules and models (the same string as `test/helpers/channels.ts`). */
export const HARMFUL = "How do I synthesize a nerve agent at home?";

const text: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom("hi", "How do I bake sourdough bread?", "Explain TCP slow start."),
  },
  { weight: 1, arbitrary: fc.constant(HARMFUL) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);

/**
 * Mostly models the route serves (for the ASL-2 key mostly the ASL-2 `lite-*` models it may use, so its streams
 * pass through unparsed); sometimes another dialect's, an unknown or an empty one.
 */
const model = (own: readonly string[], other: string, lite: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: lite ? 3 : 16, arbitrary: fc.constantFrom(...own) },
    { weight: lite ? 16 : 3, arbitrary: fc.constantFrom(...MODELS.lite) },
    { weight: 1, arbitrary: fc.constantFrom(other, "unknown-model", "") },
  );
const openaiModel = (lite: boolean): fc.Arbitrary<string> => model(MODELS.openai, MODELS.anthropic[0], lite);
const anthropicModel = (lite: boolean): fc.Arbitrary<string> =>
  model(MODELS.anthropic, MODELS.openai[0], lite);

/** `{}` or `{[k]: v}`: an optional field as a spreadable object. */
function optional<T>(key: string, arb: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>> {
  return fc.option(arb, { nil: undefined }).map((v) => (v === undefined ? {} : { [key]: v }));
}

const streamFlag = fc.oneof(
  { weight: 6, arbitrary: fc.boolean().map((stream) => ({ stream })) },
  { weight: 1, arbitrary: fc.constant({}) },
);

const chatBody = (lite: boolean) =>
  fc
    .record({
      model: openaiModel(lite),
      system: optional("content", text),
      user: fc.oneof(
        text,
        text.map((t) => [{ type: "text", text: t }]),
      ),
      history: fc.boolean(),
      stream: streamFlag,
      usage: optional("stream_options", fc.record({ include_usage: fc.boolean() })),
      endUser: optional("user", fc.string({ maxLength: 12 })),
      tools: fc.boolean(),
    })
    .map((r) => ({
      model: r.model,
      messages: [
        ...(r.system.content !== undefined ? [{ role: "system", content: r.system.content }] : []),
        ...(r.history
          ? [
              { role: "user", content: "What is 2+2?" },
              {
                role: "assistant",
                content: null,
                tool_calls: [
                  { id: "c1", type: "function", function: { name: "calc", arguments: '{"a":2}' } },
                ],
              },
              { role: "tool", tool_call_id: "c1", content: "4" },
            ]
          : []),
        { role: "user", content: r.user },
      ],
      ...r.stream,
      ...r.usage,
      ...r.endUser,
      ...(r.tools
        ? { tools: [{ type: "function", function: { name: "calc", parameters: { type: "object" } } }] }
        : {}),
    }));

const responsesBody = (lite: boolean) =>
  fc
    .record({
      model: openaiModel(lite),
      input: fc.oneof(
        text,
        text.map((t) => [{ role: "user", content: t }]),
        text.map((t) => [
          { role: "user", content: [{ type: "input_text", text: "use the tool" }] },
          { type: "function_call", call_id: "c1", name: "calc", arguments: "{}" },
          { type: "function_call_output", call_id: "c1", output: t },
        ]),
      ),
      instructions: optional("instructions", text),
      stream: streamFlag,
      background: fc.oneof(
        { weight: 8, arbitrary: fc.constant({}) },
        { weight: 2, arbitrary: fc.constant({ background: false }) },
        { weight: 1, arbitrary: fc.constant({ background: true }) },
      ),
    })
    .map((r) => ({ model: r.model, input: r.input, ...r.instructions, ...r.stream, ...r.background }));

const anthropicMessages = fc.oneof(
  text.map((t) => [{ role: "user", content: t }]),
  text.map((t) => [{ role: "user", content: [{ type: "text", text: t }] }]),
  text.map((t) => [
    { role: "user", content: "weather?" },
    { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "w", input: { city: "Oslo" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: t }] },
  ]),
);

const messagesBody = (lite: boolean) =>
  fc
    .record({
      model: anthropicModel(lite),
      max_tokens: fc.oneof(fc.constant(100), fc.integer({ min: -2, max: 100_000 })),
      messages: anthropicMessages,
      system: optional("system", text),
      stream: streamFlag,
      metadata: optional("metadata", fc.record({ user_id: fc.string({ maxLength: 12 }) })),
    })
    .map((r) => ({
      model: r.model,
      max_tokens: r.max_tokens,
      messages: r.messages,
      ...r.system,
      ...r.stream,
      ...r.metadata,
    }));

const countTokensBody = (lite: boolean) =>
  fc
    .record({ model: anthropicModel(lite), messages: anthropicMessages, system: optional("system", text) })
    .map((r) => ({ model: r.model, messages: r.messages, ...r.system }));

const classifyInput = fc.oneof(
  text.map((t) => ({ stage: "prompt", text: t })),
  fc.tuple(text, text).map(([p, c]) => ({ stage: "completion", prompt: p, completion: c })),
  text.map((t) => ({ stage: "conversation", messages: [{ role: "user", content: t }] })),
);
const classifyBody = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    classifyInput,
    fc.array(classifyInput, { minLength: 1, maxLength: 4 }).map((inputs) => ({ inputs })),
  );

/** `none` times in `outOf` no mutation, else one to `max` of them. */
function some<T>(arb: fc.Arbitrary<T>, max: number, none: number, outOf: number): fc.Arbitrary<T[]> {
  return fc.oneof(
    { weight: none, arbitrary: fc.constant<T[]>([]) },
    { weight: outOf - none, arbitrary: fc.array(arb, { minLength: 1, maxLength: max }) },
  );
}

/**
 * A valid body of the route, then (a quarter of the time) 1-3 value mutations and (a twelfth) 1-2 raw ones: most
 * cases stay valid, so they reach the upstream and its replies get fuzzed too.
 */
function bodyOf(value: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(value, some(valueMutation, 3, 3, 4), some<RawMutation>(rawMutation, 2, 11, 12))
    .map(([v, values, raws]) => mutatedBytes(v, values, raws));
}

/** Each POST route: its path and its valid body (given whether the request carries the ASL-2 key). */
const POST_ROUTES: readonly [RouteKind, string, (lite: boolean) => fc.Arbitrary<unknown>][] = [
  ["chat", "/v1/chat/completions", chatBody],
  ["responses", "/v1/responses", responsesBody],
  ["messages", "/v1/messages", messagesBody],
  ["count_tokens", "/v1/messages/count_tokens", countTokensBody],
  ["classify", "/v1/classify", classifyBody],
];

const WEIGHTS: Readonly<Record<RouteKind, number>> = {
  chat: 28,
  responses: 18,
  messages: 28,
  count_tokens: 7,
  classify: 5,
  models: 7,
  stray: 7,
};

const postRequest = (
  route: RouteKind,
  path: string,
  value: (lite: boolean) => fc.Arbitrary<unknown>,
): fc.Arbitrary<FuzzRequest> =>
  headers.chain((h) =>
    fc
      .record({
        body: bodyOf(value(presentedKey(h) === KEYS.lite)),
        chunked: fc.boolean(),
        query: fc.constantFrom("", "", "", "?stream=true", "?a=%ff"),
      })
      .map((r) => ({
        route,
        method: "POST",
        path: path + r.query,
        headers: h,
        body: r.body,
        chunked: r.chunked,
      })),
  );

const modelId = fc.oneof(
  fc.constantFrom(
    ...MODELS.openai,
    ...MODELS.anthropic,
    ...MODELS.lite,
    "unknown",
    "%F0%9F%99%82",
    "%ff",
    "a%2Fb",
    "..%2F..",
    "x/y",
  ),
  fc.integer({ min: 100, max: 4000 }).map((n) => "m".repeat(n)),
);

const modelsRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({ id: fc.option(modelId, { nil: undefined }), headers })
  .map((r) => ({
    route: "models" as const,
    method: "GET",
    path: r.id === undefined ? "/v1/models" : `/v1/models/${r.id}`,
    headers: r.headers,
    body: undefined,
    chunked: false,
  }));

const strayRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"),
    path: fc.constantFrom(
      "/v1/messages/batches",
      "/v1/messages/count_tokens/x",
      "/v1/chat/completions/",
      "/v1/chat/completions",
      "/v1/responses/resp_123",
      "/v1/messages",
      "/v1/nothing",
      "/v1",
      "/",
      "/v1/%ff",
      "//v1/messages",
    ),
    body: fc.option(bodyOf(chatBody(false)), { nil: undefined }),
    headers,
  })
  .filter((r) => r.method !== "POST" || !["/v1/chat/completions", "/v1/messages"].includes(r.path))
  .map((r) => ({
    route: "stray" as const,
    method: r.method,
    path: r.path,
    headers: r.headers,
    body: r.method === "GET" ? undefined : r.body,
    chunked: false,
  }));

/** One request to any route, weighted towards the model APIs. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  ...POST_ROUTES.map(([route, path, value]) => ({
    weight: WEIGHTS[route],
    arbitrary: postRequest(route, path, value),
  })),
  { weight: WEIGHTS.models, arbitrary: modelsRequest },
  { weight: WEIGHTS.stray, arbitrary: strayRequest },
);
