// Streaming (SSE) chat completions through the gateway: `k6 run -e BASE_URL=... -e API_KEY=... bench/k6/chat-stream.js`
// k6's HTTP client buffers the whole response, so time to first byte (`timings.waiting`) is the time-to-first-event
// figure; `http_req_duration` covers the whole stream.
import http from "k6/http";
import { check } from "k6";
import { Counter, Trend } from "k6/metrics";
import { BASE_URL, HEADERS, chatBody, scenarios, thresholds } from "./options.js";

const ttfb = new Trend("stream_ttfb", true);
const halted = new Counter("stream_halts");

export const options = {
  scenarios: scenarios("stream"),
  thresholds: thresholds({
    "stream_ttfb{shape:steady}": [`p(95)<${Number(__ENV.TTFB_P95_MS || "100")}`],
  }),
  summaryTrendStats: ["avg", "min", "med", "p(90)", "p(95)", "p(99)", "max"],
};

export function stream() {
  const res = http.post(`${BASE_URL}/v1/chat/completions`, chatBody(true), {
    headers: Object.assign({ accept: "text/event-stream" }, HEADERS),
    tags: { name: "chat-stream" },
  });
  ttfb.add(res.timings.waiting); // scenario tags (shape) are attached by k6
  check(res, {
    "status is 200": (r) => r.status === 200,
    "is an event stream": (r) => String(r.headers["Content-Type"] || "").indexOf("text/event-stream") === 0,
    "stream completed": (r) => r.body.indexOf("data: [DONE]") !== -1,
  });
  if (res.body.indexOf('"finish_reason":"content_filter"') !== -1) halted.add(1);
}
