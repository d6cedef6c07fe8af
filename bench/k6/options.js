// Shared settings of the k6 load tests (plain k6 JavaScript; run with `k6 run`, see bench/README.md).
// Every knob comes from __ENV so the same scripts run against a laptop, a staging or a production deployment.

export const BASE_URL = (__ENV.BASE_URL || "http://127.0.0.1:8787").replace(/\/+$/, "");
export const API_KEY = __ENV.API_KEY || "demo";
export const MODEL = __ENV.MODEL || "bench-model";
/** Share of requests sent with the demo upstream's harmful scenario (model `demo-harmful`); 0 against a real upstream. */
export const HARMFUL_SHARE = Number(__ENV.HARMFUL_SHARE || "0");
/** Fixed arrival rate of the `steady` scenario (requests/s), as in the in-repo runner. */
export const RATE = Number(__ENV.RATE || "200");
export const DURATION = __ENV.DURATION || "2m";
/** Peak concurrent virtual users of the `ramp` scenario. */
export const MAX_VUS = Number(__ENV.MAX_VUS || "200");

export const HEADERS = {
  "content-type": "application/json",
  authorization: `Bearer ${API_KEY}`,
};

const MESSAGES = [
  { role: "system", content: "You are a helpful baking assistant. Answer briefly and kindly." },
  { role: "user", content: "I want to start baking bread at home. Where should I begin?" },
  { role: "assistant", content: "A simple sourdough is a great first project. Do you have a starter yet?" },
  { role: "user", content: "Not yet. How do I make a starter and bake my first sourdough loaf?" },
];

/** A chat completion body; a HARMFUL_SHARE of them ask the demo upstream for its harmful scenario. */
export function chatBody(stream) {
  const harmful = HARMFUL_SHARE > 0 && Math.random() < HARMFUL_SHARE;
  return JSON.stringify({
    model: harmful ? "demo-harmful" : MODEL,
    messages: MESSAGES,
    max_tokens: 256,
    stream: stream === true,
  });
}

/**
 * The runner's load shapes: `steady` = fixed arrival rate (latency at moderate load), then `ramp` = closed-loop
 * virtual users stepping up to MAX_VUS (throughput and saturation), one after the other.
 */
export function scenarios(exec) {
  return {
    steady: {
      executor: "constant-arrival-rate",
      exec,
      rate: RATE,
      timeUnit: "1s",
      duration: DURATION,
      preAllocatedVUs: 50,
      maxVUs: 400,
      tags: { shape: "steady" },
    },
    ramp: {
      executor: "ramping-vus",
      exec,
      startTime: DURATION,
      startVUs: 1,
      stages: [
        { duration: "30s", target: 50 },
        { duration: "1m", target: 50 },
        { duration: "30s", target: MAX_VUS },
        { duration: "1m", target: MAX_VUS },
        { duration: "15s", target: 0 },
      ],
      gracefulRampDown: "10s",
      tags: { shape: "ramp" },
    },
  };
}

/**
 * SLO gates: k6 exits non-zero when one fails. Latency gates apply to the steady (moderate load) scenario; the
 * error-rate gate applies to everything. Override the latency budgets with P95_MS / P99_MS.
 */
export function thresholds(extra) {
  const p95 = Number(__ENV.P95_MS || "250");
  const p99 = Number(__ENV.P99_MS || "500");
  return Object.assign(
    {
      http_req_failed: ["rate<0.01"],
      checks: ["rate>0.99"],
      "http_req_duration{shape:steady}": [`p(95)<${p95}`, `p(99)<${p99}`],
    },
    extra || {},
  );
}
