/**
 * The OpenAI Responses API dialect (`POST /v1/responses`, JSON and SSE). It is served by `openai` upstreams (the
 * same API family, credential and end-user fields) that implement the Responses API, so its `name` - the upstream
 * dialect it routes to and records in incidents - is `openai`; requests, refusals and streams are its own.
 *
 * A refusal is an ordinary-looking Response whose `status` is `incomplete` with `incomplete_details.reason`
 * `content_filter`, holding one assistant message with the refusal text; errors are OpenAI's
 * `{error: {message, type, param, code}}`.
 */
import { openaiDialect } from "./openai.ts";
import { refusalEvents, refusalResponse, responsesId } from "./responses-events.ts";
import { parseResponsesRequest } from "./responses-request.ts";
import { createResponsesRenderer } from "./responses-stream.ts";
import { responseText } from "./responses-text.ts";
import type { DialectAdapter, RefusalOptions } from "./types.ts";

/** The refusal's ids: a `resp_` id (the caller's when it is one), and a fresh message id. */
function refusalOf(opts: RefusalOptions): RefusalOptions & { messageId: string } {
  const id = opts.id.startsWith("resp_") ? opts.id : responsesId("resp");
  return { ...opts, id, messageId: responsesId("msg") };
}

/** The OpenAI Responses adapter. */
export const responsesDialect: DialectAdapter = {
  name: "openai",
  parseRequest: parseResponsesRequest,
  // Every string of the Response outside ids and enums - output text, refusals, tool calls, reasoning summaries,
  // annotations, fields a server adds - but not the request fields it echoes (`instructions`, `tools`, ...).
  completionText: responseText,
  refusalJson: (opts) => refusalResponse(refusalOf(opts)),
  refusalSse: (opts) => refusalEvents(refusalOf(opts)),
  errorBody: (code, status, message) => openaiDialect.errorBody(code, status, message),
  createStreamRenderer: (opts) => createResponsesRenderer(opts),
};
