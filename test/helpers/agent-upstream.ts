/**
 * A model for agent loops, in every dialect: the demo upstream's own responder
 * (`gateway/embedded/demo-upstream/chat-handler.ts`) answers the `tool-call` scenario (one benign `get_weather`
 * call) until the conversation ends in a tool result, then the benign completion, as a model does once its tool has
 * answered. The demo upstream's `mock-tool-call` model calls the tool on every turn, so an agent loop pointed at it
 * never ends on its own.
 *
 * @example
 * const up = useScriptedUpstream();
 * beforeAll(() => (up.reply = agentReply()));
 */
import { createChatResponder, type Dialect } from "../../gateway/embedded/demo-upstream/chat-handler.ts";
import type { ScriptedReply } from "./scripted-upstream.ts";

const DIALECTS: Readonly<Record<string, Dialect>> = {
  "/v1/chat/completions": "openai",
  "/v1/messages": "anthropic",
  "/v1/responses": "responses",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether a request's conversation ends in a tool result: a Chat Completions `tool` message, a Messages user turn
 * holding a `tool_result` block, or a Responses `function_call_output` input item.
 */
export function endsInToolResult(dialect: Dialect, body: unknown): boolean {
  if (!isRecord(body)) return false;
  const list = dialect === "responses" ? body["input"] : body["messages"];
  const last: unknown = Array.isArray(list) ? list.at(-1) : undefined;
  if (!isRecord(last)) return false;
  if (dialect === "openai") return last["role"] === "tool";
  if (dialect === "responses") return last["type"] === "function_call_output";
  const content = last["content"];
  return (
    last["role"] === "user" &&
    Array.isArray(content) &&
    content.some((block) => isRecord(block) && block["type"] === "tool_result")
  );
}

/** A scripted upstream reply that plays the agent's model (see the file comment); other paths get a 404. */
export function agentReply(): ScriptedReply {
  const respond = createChatResponder();
  return (req, res, raw) => {
    const dialect = DIALECTS[(req.url ?? "/").split("?")[0] ?? ""];
    if (req.method !== "POST" || dialect === undefined) {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const model = endsInToolResult(dialect, body) ? "mock-benign" : "mock-tool-call";
    respond(res, {
      dialect,
      body: { ...body, model },
      rawLength: raw.length,
      headers: {},
      defaultDelayMs: 0,
      onServerDrop: () => {},
    });
  };
}
