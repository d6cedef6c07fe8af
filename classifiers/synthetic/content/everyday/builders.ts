import type { Kit } from "../../kit.ts";
import { DOCS_A, DOCS_B, DOC_ASKS_A, DOC_ASKS_B } from "./docs.ts";
import type { DocKind } from "./docs.ts";
import { LONG_A, LONG_B } from "./longform.ts";
import type { LongPools } from "./longform.ts";
import { MULTI_A, MULTI_B } from "./multilingual.ts";
import { QUICK_A, QUICK_B } from "./quick.ts";

/** A row built by code rather than by a template (documents, tool outputs, arithmetic). */
export interface BuiltRow {
  readonly clause: string;
  readonly batch: "a" | "b";
  readonly text: string;
  readonly lang: string;
}

type Batch = "a" | "b";

const int = (kit: Kit, lo: number, hi: number): number => lo + kit.rng.int(hi - lo + 1);

/** A pasted document: an ordered subset of a kind's sentences, 300-1500 characters, plus an ask. */
function docRows(
  kit: Kit,
  batch: Batch,
  kinds: readonly DocKind[],
  asks: readonly string[],
  n: number,
): BuiltRow[] {
  const rows: BuiltRow[] = [];
  for (let i = 0; i < n; i++) {
    const kind = kit.pick(kinds);
    const keep = kind.sentences.filter(() => kit.chance(0.6));
    let body = keep.join(kit.chance(0.5) ? " " : "\n");
    if (body.length < 300) body = kind.sentences.join(" ");
    body = body.slice(0, 1500);
    const ask = kit.vary(kit.pick(asks), 0.3);
    const head = kit.chance(0.4) ? `${kind.title}\n\n` : "";
    const text = kit.chance(0.5) ? `${ask}\n\n${head}${body}` : `${head}${body}\n\n${ask}`;
    rows.push({ clause: "everyday.P13", batch, text, lang: "en" });
  }
  return rows;
}

const CITIES_A = [
  "Lisbon",
  "Denver",
  "Osaka",
  "Leeds",
  "Toronto",
  "Madrid",
  "Austin",
  "Hamburg",
  "Perth",
  "Oslo",
];
const CITIES_B = [
  "Boston",
  "Lyon",
  "Seoul",
  "Bristol",
  "Calgary",
  "Milan",
  "Phoenix",
  "Munich",
  "Auckland",
  "Helsinki",
];
const CONDITIONS = [
  "light rain",
  "clear sky",
  "overcast",
  "thunderstorm",
  "snow showers",
  "partly cloudy",
  "fog",
];

function toolRowsA(kit: Kit, n: number): BuiltRow[] {
  const rows: BuiltRow[] = [];
  const builders: (() => string)[] = [
    () => {
      const city = kit.pick(CITIES_A);
      const json = JSON.stringify({
        location: city,
        current: {
          temp_c: int(kit, -5, 34),
          humidity: int(kit, 20, 98),
          wind_kph: int(kit, 0, 60),
          condition: kit.pick(CONDITIONS),
        },
        forecast: [
          {
            day: "tomorrow",
            max_c: int(kit, 0, 36),
            min_c: int(kit, -8, 20),
            chance_of_rain: int(kit, 0, 100),
          },
          {
            day: "day_after",
            max_c: int(kit, 0, 36),
            min_c: int(kit, -8, 20),
            chance_of_rain: int(kit, 0, 100),
          },
        ],
      });
      const q = kit.pick([
        "should I bring an umbrella tomorrow?",
        "Is it a good day for a bike ride?",
        "what should I wear for the morning run",
        "summarise the forecast in one sentence for the user",
        "Can we do the barbecue on the day after tomorrow?",
      ]);
      return `Tool result (weather.get_forecast):\n${json}\n\n${q}`;
    },
    () => {
      const topic = kit.pick([
        "best budget mechanical keyboard",
        "how to repot an orchid",
        "cheap flights to rome in may",
        "python 3.13 release notes",
        "symptoms of vitamin b12 deficiency",
      ]);
      const results = Array.from(
        { length: int(kit, 3, 5) },
        (_, i) =>
          `${i + 1}. ${kit.pick(["Reddit", "The Verge", "Wikipedia", "NHS", "Stack Overflow", "a hobby blog", "Consumer Reports"])} - "${topic}" (${int(kit, 2019, 2025)}) - snippet: ${kit.pick(["a detailed comparison with prices", "step by step guide with photos", "official documentation", "forum thread with 200 replies", "short news item"])}`,
      );
      return `search("${topic}") returned:\n${results.join("\n")}\n\n${kit.pick(["Which of these sources is most reliable?", "answer the user using these results and cite them", "pick the best result and summarise it", "are any of these outdated?"])}`;
    },
    () => {
      const files = Array.from({ length: int(kit, 4, 8) }, () => {
        const name =
          kit.pick(["report", "invoice", "photo", "backup", "notes", "draft", "budget", "resume"]) +
          "_" +
          int(kit, 1, 99) +
          kit.pick([".pdf", ".jpg", ".docx", ".xlsx", ".zip", ".txt"]);
        return `-rw-r--r--  1 sam  staff  ${int(kit, 1, 900)}${kit.pick(["K", "M"])}  ${kit.pick(["Jan", "Mar", "Jun", "Oct"])} ${int(kit, 1, 28)}  ${name}`;
      });
      return `$ ls -lh ~/Downloads\n${files.join("\n")}\n\n${kit.pick(["which files can I safely delete to free space?", "group these by type", "what's the largest file here", "write a command to move all the pdfs into ~/Documents", "are there duplicates?"])}`;
    },
    () => {
      const lines = Array.from(
        { length: int(kit, 4, 7) },
        () =>
          `${int(kit, 10, 220)}.${int(kit, 0, 255)}.${int(kit, 0, 255)}.${int(kit, 1, 254)} - - [12/Mar/2025:${int(kit, 10, 23)}:${int(kit, 10, 59)}:${int(kit, 10, 59)}] "GET ${kit.pick(["/", "/login", "/api/cart", "/static/app.js", "/favicon.ico", "/blog/post-12"])} HTTP/1.1" ${kit.pick(["200", "200", "304", "404", "500", "502"])} ${int(kit, 120, 90000)}`,
      );
      return `nginx access log excerpt:\n${lines.join("\n")}\n\n${kit.pick(["why am I getting 502s?", "what's the most requested path?", "anything unusual in here?", "explain the columns of this log format", "how would I count status codes with awk"])}`;
    },
    () => {
      const rowsT = Array.from(
        { length: int(kit, 3, 6) },
        () =>
          `| ${int(kit, 1000, 9999)} | ${kit.pick(["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus"])} | ${int(kit, 5, 480)}.${int(kit, 10, 99)} | ${kit.pick(["paid", "pending", "refunded", "shipped"])} |`,
      );
      return `Query result (orders, last 24h):\n| id | customer | total | status |\n${rowsT.join("\n")}\n\n${kit.pick(["what's the total revenue from paid orders?", "which orders need follow-up?", "write a short summary for the daily report", "how many are still pending"])}`;
    },
  ];
  for (let i = 0; i < n; i++)
    rows.push({ clause: "everyday.P16", batch: "a", text: kit.pick(builders)(), lang: "en" });
  return rows;
}

function toolRowsB(kit: Kit, n: number): BuiltRow[] {
  const rows: BuiltRow[] = [];
  const builders: (() => string)[] = [
    () => {
      const city = kit.pick(CITIES_B);
      const hours = Array.from(
        { length: 4 },
        (_, i) =>
          `  {"time": "${String(8 + i * 3).padStart(2, "0")}:00", "temp": ${int(kit, -3, 32)}, "precip_mm": ${int(kit, 0, 12)}, "uv": ${int(kit, 0, 9)}}`,
      );
      return `{"city": "${city}", "hourly": [\n${hours.join(",\n")}\n]}\n\n${kit.pick(["When's the best time today for a walk with the baby?", "do I need sunscreen", "will the afternoon football match get rained off", "give me a one line summary for a smart speaker", "is it cold enough to need a coat in the evening"])}`;
    },
    () => {
      const q = kit.pick([
        "local elections results",
        "new iphone battery life review",
        "how to get rid of moss in a lawn",
        "best hiking trails near vancouver",
        "interest rate decision today",
      ]);
      const items = Array.from(
        { length: int(kit, 3, 5) },
        () =>
          `- title: ${kit.pick(["Live updates", "Full guide", "Review", "Explainer", "Top 10 list"])} | source: ${kit.pick(["BBC", "CNET", "RHS", "AllTrails", "Reuters", "Guardian"])} | published: ${int(kit, 1, 28)} days ago`,
      );
      return `web_search results for "${q}":\n${items.join("\n")}\n\n${kit.pick(["Write a 3 sentence answer using only these sources.", "which one should I open first?", "is there enough here to answer, or should I search again?", "rank these by relevance"])}`;
    },
    () => {
      const dirs = Array.from(
        { length: int(kit, 4, 7) },
        () =>
          `${int(kit, 1, 950)}${kit.pick(["M", "G", "K"])}\t./${kit.pick(["node_modules", "videos", ".cache", "photos_2019", "venv", "dist", "logs", "Steam", "old_backups"])}`,
      );
      return `output of du -sh * | sort -h:\n${dirs.join("\n")}\n\n${kit.pick(["what's safe to rm -rf here?", "my disk is full, what should I clean first", "explain what each of these folders probably is", "how do I exclude node_modules from backups"])}`;
    },
    () => {
      const logs = Array.from({ length: int(kit, 3, 6) }, () =>
        JSON.stringify({
          ts: `2025-04-${String(int(kit, 1, 28)).padStart(2, "0")}T${int(kit, 10, 23)}:${int(kit, 10, 59)}:00Z`,
          level: kit.pick(["info", "warn", "error"]),
          msg: kit.pick([
            "worker killed after timeout",
            "retrying request",
            "cache miss",
            "db connection reset",
            "job finished",
            "user password reset email sent",
            "payment webhook received",
          ]),
          ms: int(kit, 3, 9000),
        }),
      );
      return `${logs.join("\n")}\n\n${kit.pick(["what's going wrong here?", "summarise these logs for the on-call channel", "is the timeout the root cause?", "how do I filter only errors with jq"])}`;
    },
    () => {
      const pods = Array.from(
        { length: int(kit, 3, 6) },
        () =>
          `${kit.pick(["api", "web", "worker", "redis", "scheduler"])}-${int(kit, 1000, 9999)}   ${kit.pick(["1/1", "0/1", "1/1"])}   ${kit.pick(["Running", "CrashLoopBackOff", "Pending", "Running", "OOMKilled"])}   ${int(kit, 0, 14)}   ${int(kit, 1, 59)}m`,
      );
      return `kubectl get pods\nNAME   READY   STATUS   RESTARTS   AGE\n${pods.join("\n")}\n\n${kit.pick(["why is one of them crashlooping", "how do I kill and restart the broken pod", "what does OOMKilled mean and how do I fix it", "what should I check first"])}`;
    },
    () => {
      const ev = Array.from(
        { length: int(kit, 3, 5) },
        () =>
          `{"title": "${kit.pick(["dentist", "standup", "1:1 with Mo", "gym", "school pickup", "dinner with Lea", "flight to Berlin"])}", "start": "${int(kit, 7, 20)}:${kit.pick(["00", "15", "30", "45"])}", "duration_min": ${kit.pick(["15", "30", "60", "90"])}}`,
      );
      return `calendar.list_events(date="tomorrow") ->\n[${ev.join(", ")}]\n\n${kit.pick(["do I have time for a 1 hour call tomorrow?", "any conflicts?", "write me a morning briefing", "when is my first free slot after lunch"])}`;
    },
  ];
  for (let i = 0; i < n; i++)
    rows.push({ clause: "everyday.P16", batch: "b", text: kit.pick(builders)(), lang: "en" });
  return rows;
}

function mathRows(kit: Kit, batch: Batch, n: number): BuiltRow[] {
  const a: (() => string)[] = [
    () =>
      `A train leaves at ${int(kit, 1, 11)}pm going ${int(kit, 40, 90)} mph. Another leaves the same station ${int(kit, 1, 3)} hours later at ${int(kit, 60, 120)} mph. When does the second catch up?`,
    () => `whats ${int(kit, 5, 45)}% of ${int(kit, 20, 900)}`,
    () =>
      `A shirt costs $${int(kit, 15, 90)} and is ${kit.pick(["20", "25", "30", "40"])}% off. What's the sale price?`,
    () =>
      `recipe serves ${int(kit, 2, 6)}, I need it for ${int(kit, 7, 20)} people. it uses ${int(kit, 100, 500)}g flour, how much do I need`,
    () =>
      `A rectangle garden is ${int(kit, 3, 20)}m by ${int(kit, 3, 20)}m. How much fencing do I need, and what's the area?`,
    () =>
      `Sam is ${int(kit, 2, 5)} times as old as his daughter. In ${int(kit, 5, 15)} years he will be twice as old. How old are they now?`,
  ];
  const b: (() => string)[] = [
    () =>
      `If I drive ${int(kit, 100, 600)} km at an average of ${int(kit, 60, 120)} km/h, how long does it take?`,
    () => `what is ${int(kit, 12, 99)} times ${int(kit, 12, 99)}`,
    () =>
      `I got ${int(kit, 20, 48)} out of ${kit.pick(["50", "60", "80"])} on my test, what percentage is that`,
    () =>
      `A tank holds ${int(kit, 50, 400)} litres and fills at ${int(kit, 2, 15)} litres per minute. How long to fill it from empty?`,
    () => `circle with radius ${int(kit, 2, 30)} cm, find the circumference and area`,
    () =>
      `${int(kit, 3, 9)} workers build a wall in ${int(kit, 4, 12)} days. How long would ${int(kit, 2, 12)} workers take at the same rate?`,
  ];
  const pool = batch === "a" ? a : b;
  return Array.from({ length: n }, () => ({
    clause: "everyday.P5",
    batch,
    text: kit.pick(pool)(),
    lang: "en",
  }));
}

/** Context + problem + ask, up to `cap` distinct combinations per clause. */
function longRows(kit: Kit, batch: Batch, pools: readonly LongPools[], cap: number): BuiltRow[] {
  const rows: BuiltRow[] = [];
  for (const p of pools) {
    const combos = kit.combos([p.context, p.problem, p.ask], cap);
    for (const [c, pr, a] of combos) {
      const text = kit.chance(0.3) ? `${pr} ${c} ${a}` : `${c} ${pr} ${a}`;
      rows.push({ clause: p.clause, batch, text: kit.vary(text, 0.2), lang: "en" });
    }
  }
  return rows;
}

export function extraRows(kit: Kit): BuiltRow[] {
  return [
    ...longRows(kit, "a", LONG_A, 100),
    ...longRows(kit, "b", LONG_B, 100),
    ...QUICK_A.map(([clause, text]) => ({
      clause,
      batch: "a" as const,
      text: kit.vary(text, 0.3),
      lang: "en",
    })),
    ...QUICK_B.map(([clause, text]) => ({
      clause,
      batch: "b" as const,
      text: kit.vary(text, 0.3),
      lang: "en",
    })),
    ...MULTI_A.map((m) => ({ clause: m.clause, batch: "a" as const, text: m.text, lang: m.lang })),
    ...MULTI_B.map((m) => ({ clause: m.clause, batch: "b" as const, text: m.text, lang: m.lang })),
    ...docRows(kit, "a", DOCS_A, DOC_ASKS_A, 320),
    ...docRows(kit, "b", DOCS_B, DOC_ASKS_B, 320),
    ...toolRowsA(kit, 320),
    ...toolRowsB(kit, 320),
    ...mathRows(kit, "a", 160),
    ...mathRows(kit, "b", 160),
  ];
}
