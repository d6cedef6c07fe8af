// Non-streaming chat completions through the gateway: `k6 run -e BASE_URL=... -e API_KEY=... bench/k6/chat-nonstream.js`
import http from "k6/http";
import { check } from "k6";
import { Counter } from "k6/metrics";
import { BASE_URL, HEADERS, chatBody, scenarios, thresholds } from "./options.js";

const refusals = new Counter("refusals");

export const options = {
  scenarios: scenarios("chat"),
  thresholds: thresholds(),
  summaryTrendStats: ["avg", "min", "med", "p(90)", "p(95)", "p(99)", "max"],
};

export function chat() {
  const res = http.post(`${BASE_URL}/v1/chat/completions`, chatBody(false), {
    headers: HEADERS,
    tags: { name: "chat-nonstream" },
  });
  const ok = check(res, {
    "status is 200": (r) => r.status === 200,
    "has a choice": (r) => {
      const body = r.json();
      return Array.isArray(body.choices) && body.choices.length > 0;
    },
  });
  if (ok && res.body.indexOf('"finish_reason":"content_filter"') !== -1) refusals.add(1);
}
