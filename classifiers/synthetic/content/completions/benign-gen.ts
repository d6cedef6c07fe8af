/** Helpful answers to benign and look-alike requests (completion.P7-P13), built per batch from disjoint halves. */
import type { Kit, SynthCompletion } from "../../kit.ts";
import { LOOKALIKES } from "./lookalike.ts";
import * as D from "./benign-data.ts";

type Batch = "a" | "b";
const half = <T>(items: readonly T[], b: Batch): T[] => items.filter((_, i) => i % 2 === (b === "a" ? 0 : 1));
const row = (prompt: string, completion: string, clause: string, b: Batch): SynthCompletion => ({
  prompt,
  completion,
  harmful: false,
  categories: [],
  clause,
  batch: b,
});
const money = (n: number) => n.toFixed(2);

function lookalikes(kit: Kit, b: Batch): SynthCompletion[] {
  const out: SynthCompletion[] = [];
  for (const la of half(LOOKALIKES, b)) {
    for (let i = 0; i < 28; i++) {
      const ask = kit.vary(kit.pick(la.asks));
      const tips = kit.sample(la.tips, 4 + kit.rng.int(3));
      const list = kit.chance(0.5)
        ? tips.map((t) => `- ${t}`).join("\n")
        : tips.map((t, j) => `${j + 1}. ${t}`).join("\n");
      const parts = [kit.pick(la.intros), list];
      if (la.code && kit.chance(0.6)) parts.splice(1, 0, kit.pick(la.code));
      if (kit.chance(0.5)) parts.push(kit.pick(half(D.HELPFUL_CLOSERS, b)));
      out.push(row(ask, parts.join("\n\n"), la.textbook ? "completion.P7" : "completion.P13", b));
    }
  }
  return out;
}

interface MathCase {
  q: string;
  a: string;
}
const MATH: readonly ((kit: Kit) => MathCase)[] = [
  (k) => {
    const p = 5 + k.rng.int(40);
    const n = 20 * (2 + k.rng.int(60));
    return {
      q: k.pick([`What is ${p}% of ${n}?`, `whats ${p} percent of ${n}`, `Calculate ${p}% of ${n} please`]),
      a: `To find ${p}% of ${n}, convert the percentage to a decimal and multiply:\n\n${p}% = ${p / 100}\n\n${p / 100} × ${n} = **${+((p * n) / 100).toFixed(2)}**`,
    };
  },
  (k) => {
    const a = 2 + k.rng.int(9);
    const x = 1 + k.rng.int(20);
    const c = 1 + k.rng.int(30);
    return {
      q: k.pick([
        `Solve ${a}x + ${c} = ${a * x + c}`,
        `solve for x: ${a}x+${c}=${a * x + c}`,
        `Can you show me how to solve ${a}x + ${c} = ${a * x + c} step by step?`,
      ]),
      a: `Let's isolate x.\n\n1. Subtract ${c} from both sides: ${a}x = ${a * x + c} - ${c} = ${a * x}\n2. Divide both sides by ${a}: x = ${a * x} / ${a}\n\n**x = ${x}**\n\nCheck: ${a} × ${x} + ${c} = ${a * x + c} ✓`,
    };
  },
  (k) => {
    const old = 40 + k.rng.int(200);
    const nw = old + k.rng.int(120) - 40;
    const ch = ((nw - old) / old) * 100;
    return {
      q: k.pick([
        `The price went from $${old} to $${nw}. What's the percentage change?`,
        `percent change from ${old} to ${nw}?`,
        `My rent was ${old} and now it's ${nw}, by what percent did it change?`,
      ]),
      a: `Percentage change = (new − old) / old × 100\n\n= (${nw} − ${old}) / ${old} × 100\n= ${nw - old} / ${old} × 100\n= **${ch.toFixed(1)}%**\n\nSo that's ${ch >= 0 ? "an increase" : "a decrease"} of about ${Math.abs(ch).toFixed(1)}%.`,
    };
  },
  (k) => {
    const pr = 1000 * (1 + k.rng.int(50));
    const r = 1 + k.rng.int(8);
    const y = 2 + k.rng.int(15);
    const fv = pr * Math.pow(1 + r / 100, y);
    return {
      q: k.pick([
        `If I invest $${pr} at ${r}% interest compounded yearly, how much will I have after ${y} years?`,
        `compound interest on ${pr} at ${r}% for ${y} years`,
      ]),
      a: `Use the compound interest formula:\n\nA = P × (1 + r)^t\n\n- P = ${pr}\n- r = ${r / 100}\n- t = ${y}\n\nA = ${pr} × (1.${String(r).padStart(2, "0")})^${y} ≈ **$${money(fv)}**\n\nThat's about $${money(fv - pr)} in interest. (Real returns will vary with fees and taxes.)`,
    };
  },
  (k) => {
    const l = 2 + k.rng.int(30);
    const w = 2 + k.rng.int(20);
    return {
      q: k.pick([
        `How much flooring do I need for a ${l} by ${w} foot room?`,
        `area of a rectangle ${l}m by ${w}m`,
        `My garden bed is ${l} ft long and ${w} ft wide, what's the area?`,
      ]),
      a: `Area = length × width = ${l} × ${w} = **${l * w} square units**.\n\nIf you're buying flooring or soil, add about 10% for waste and cuts: ${l * w} × 1.1 ≈ ${Math.ceil(l * w * 1.1)}.`,
    };
  },
  (k) => {
    const nums = Array.from({ length: 4 + k.rng.int(4) }, () => 50 + k.rng.int(50));
    const s = nums.reduce((x, y) => x + y, 0);
    return {
      q: k.pick([
        `What's the average of ${nums.join(", ")}?`,
        `my test scores were ${nums.join(" ")} what's my average`,
        `mean of these numbers: ${nums.join(", ")}`,
      ]),
      a: `Add them up and divide by how many there are.\n\nSum: ${nums.join(" + ")} = ${s}\nCount: ${nums.length}\n\nAverage = ${s} / ${nums.length} = **${(s / nums.length).toFixed(2)}**`,
    };
  },
  (k) => {
    const d = 30 + k.rng.int(500);
    const sp = 40 + 5 * k.rng.int(20);
    const h = d / sp;
    return {
      q: k.pick([
        `If I drive ${d} km at ${sp} km/h, how long will it take?`,
        `how long to travel ${d} miles at ${sp} mph`,
      ]),
      a: `Time = distance / speed = ${d} / ${sp} = ${h.toFixed(2)} hours.\n\nThat's about **${Math.floor(h)} h ${Math.round((h % 1) * 60)} min**, not counting stops. For long drives, add a 15-minute break every two hours or so.`,
    };
  },
  (k) => {
    const bill = 20 + k.rng.int(300);
    const tip = k.pick([15, 18, 20, 22]);
    const ppl = 2 + k.rng.int(7);
    const total = bill * (1 + tip / 100);
    return {
      q: k.pick([
        `Our bill is $${bill} and we want to tip ${tip}%. Split between ${ppl} people, how much each?`,
        `split ${bill} plus ${tip}% tip ${ppl} ways`,
      ]),
      a: `| Step | Amount |\n| --- | --- |\n| Bill | $${money(bill)} |\n| Tip (${tip}%) | $${money((bill * tip) / 100)} |\n| Total | $${money(total)} |\n| Each of ${ppl} | **$${money(total / ppl)}** |`,
    };
  },
  (k) => {
    const km = 1 + k.rng.int(200);
    return {
      q: k.pick([`Convert ${km} km to miles`, `how many miles is ${km} kilometers`, `${km}k in miles?`]),
      a: `1 km ≈ 0.621371 miles, so ${km} km × 0.621371 ≈ **${(km * 0.621371).toFixed(2)} miles**.\n\nQuick mental trick: multiply by 6 and divide by 10 - that gives ${(km * 0.6).toFixed(1)}, close enough for most purposes.`,
    };
  },
  (k) => {
    const a = 3 + k.rng.int(20);
    const b = 3 + k.rng.int(20);
    const c = Math.sqrt(a * a + b * b);
    return {
      q: k.pick([
        `A right triangle has legs ${a} and ${b}. What's the hypotenuse?`,
        `pythagoras ${a} and ${b}`,
      ]),
      a: `By the Pythagorean theorem, c² = a² + b².\n\nc² = ${a}² + ${b}² = ${a * a} + ${b * b} = ${a * a + b * b}\n\nc = √${a * a + b * b} ≈ **${c.toFixed(3)}**`,
    };
  },
  (k) => {
    const r1 = 1 + k.rng.int(9);
    const r2 = 1 + k.rng.int(9);
    return {
      q: k.pick([`Solve x² - ${r1 + r2}x + ${r1 * r2} = 0`, `factor x^2 - ${r1 + r2}x + ${r1 * r2}`]),
      a: `We need two numbers that multiply to ${r1 * r2} and add to ${r1 + r2}: those are ${r1} and ${r2}.\n\nx² − ${r1 + r2}x + ${r1 * r2} = (x − ${r1})(x − ${r2})\n\nSo **x = ${r1}** or **x = ${r2}**.`,
    };
  },
  (k) => {
    const price = 20 + k.rng.int(400);
    const off = k.pick([10, 15, 20, 25, 30, 40, 50]);
    const tax = k.pick([0, 5, 7, 8, 10]);
    const after = price * (1 - off / 100);
    return {
      q: k.pick([
        `A jacket costs $${price} and it's ${off}% off. With ${tax}% sales tax, what do I pay?`,
        `${price} dollars minus ${off} percent discount plus ${tax}% tax`,
      ]),
      a: `1. Discount: ${price} × ${off / 100} = $${money((price * off) / 100)}\n2. Sale price: ${price} − ${money((price * off) / 100)} = $${money(after)}\n3. Tax: ${money(after)} × ${tax / 100} = $${money((after * tax) / 100)}\n\n**Total: $${money(after * (1 + tax / 100))}**`,
    };
  },
  (k) => {
    const rate = 12 + k.rng.int(60);
    const hrs = 20 + k.rng.int(25);
    return {
      q: k.pick([
        `If I make $${rate} an hour and work ${hrs} hours a week, what's that per year?`,
        `${rate}/hr ${hrs} hrs a week yearly salary?`,
      ]),
      a: `Weekly: ${rate} × ${hrs} = $${rate * hrs}\nYearly (52 weeks): ${rate * hrs} × 52 = **$${(rate * hrs * 52).toLocaleString("en-US")}**\n\nThat's before taxes; if you take two weeks unpaid, use 50 weeks instead: $${(rate * hrs * 50).toLocaleString("en-US")}.`,
    };
  },
  (k) => {
    const a = 1 + k.rng.int(6);
    const n = 2 + k.rng.int(4);
    const c = 1 + k.rng.int(9);
    return {
      q: k.pick([`What's the derivative of ${a}x^${n} + ${c}x?`, `differentiate ${a}x^${n} + ${c}x`]),
      a: `Use the power rule, d/dx xⁿ = n·xⁿ⁻¹, term by term:\n\n- d/dx ${a}x^${n} = ${a * n}x^${n - 1}\n- d/dx ${c}x = ${c}\n\n**f'(x) = ${a * n}x^${n - 1} + ${c}**`,
    };
  },
];

function math(kit: Kit, b: Batch): SynthCompletion[] {
  const out: SynthCompletion[] = [];
  for (const f of half(MATH, b))
    for (let i = 0; i < 52; i++) {
      const c = f(kit);
      out.push(row(kit.vary(c.q), c.a, "completion.P11", b));
    }
  return out;
}

function sql(kit: Kit, b: Batch): SynthCompletion[] {
  const out: SynthCompletion[] = [];
  for (const t of half(D.TABLES, b)) {
    for (let i = 0; i < 20; i++) {
      const n = 3 + kit.rng.int(20);
      const metric = kit.pick(t.metrics);
      const group = kit.pick(t.groups);
      const kind = kit.rng.int(3);
      if (kind === 0)
        out.push(
          row(
            kit.vary(
              kit.pick([
                `Write a SQL query to get the top ${n} ${t.name} by ${metric}`,
                `sql for top ${n} ${t.name} ordered by ${metric} descending`,
              ]),
            ),
            `Here's a query that sorts by \`${metric}\` and keeps the first ${n} rows:\n\n\`\`\`sql\nSELECT *\nFROM ${t.name}\nORDER BY ${metric} DESC\nLIMIT ${n};\n\`\`\`\n\nIf there are ties at the cutoff and you want all of them, use a window function like \`RANK() OVER (ORDER BY ${metric} DESC)\` and filter on rank <= ${n}.`,
            "completion.P8",
            b,
          ),
        );
      else if (kind === 1)
        out.push(
          row(
            kit.vary(
              kit.pick([
                `How do I count ${t.name} per ${group} in SQL?`,
                `sql group by ${group} and count rows in ${t.name}`,
              ]),
            ),
            `Use \`GROUP BY\` with \`COUNT(*)\`:\n\n\`\`\`sql\nSELECT ${group}, COUNT(*) AS total\nFROM ${t.name}\nGROUP BY ${group}\nORDER BY total DESC;\n\`\`\`\n\nAdd \`HAVING COUNT(*) > ${n}\` to keep only ${group} values with more than ${n} rows.`,
            "completion.P8",
            b,
          ),
        );
      else
        out.push(
          row(
            kit.vary(
              kit.pick([
                `Average ${metric} per ${group} from the ${t.name} table?`,
                `write a query for avg ${metric} by ${group}`,
              ]),
            ),
            `\`\`\`sql\nSELECT ${group},\n       AVG(${metric}) AS avg_${metric},\n       COUNT(*) AS n\nFROM ${t.name}\nWHERE ${metric} IS NOT NULL\nGROUP BY ${group};\n\`\`\`\n\nThe \`WHERE\` clause is optional since \`AVG\` ignores NULLs anyway, but it keeps \`n\` honest. Round with \`ROUND(AVG(${metric}), 2)\` if you want cleaner output.`,
            "completion.P8",
            b,
          ),
        );
    }
  }
  return out;
}

function pyCode(kit: Kit, b: Batch): SynthCompletion[] {
  const out: SynthCompletion[] = [];
  for (const e of half(D.ENTITIES, b)) {
    for (let i = 0; i < 16; i++) {
      const f = kit.pick(e.fields);
      const kind = kit.rng.int(4);
      const cls = e.name.charAt(0).toUpperCase() + e.name.slice(1);
      if (kind === 0)
        out.push(
          row(
            kit.vary(
              kit.pick([
                `Write a Python dataclass for a ${e.name} with ${e.fields.join(", ")}`,
                `python class for ${e.name} with fields ${e.fields.join(" ")}`,
              ]),
            ),
            `Here's a dataclass with type hints:\n\n\`\`\`python\nfrom dataclasses import dataclass\n\n@dataclass\nclass ${cls}:\n${e.fields.map((x) => `    ${x}: str`).join("\n")}\n\`\`\`\n\nChange the \`str\` types to whatever fits (e.g. \`int\` or \`datetime\`). Add \`frozen=True\` if instances should be immutable.`,
            "completion.P8",
            b,
          ),
        );
      else if (kind === 1)
        out.push(
          row(
            kit.vary(
              kit.pick([
                `How do I sort a list of ${e.name} dicts by ${f} in Python?`,
                `python sort list of dicts by '${f}' key`,
              ]),
            ),
            `Use \`sorted\` with a key function:\n\n\`\`\`python\n${e.name}s_sorted = sorted(${e.name}s, key=lambda x: x["${f}"])\n\`\`\`\n\nPass \`reverse=True\` for descending order, or use \`operator.itemgetter("${f}")\` which is a little faster. If some items may be missing \`${f}\`, use \`x.get("${f}", "")\`.`,
            "completion.P8",
            b,
          ),
        );
      else if (kind === 2)
        out.push(
          row(
            kit.vary(
              kit.pick([
                `javascript: group an array of ${e.name}s by ${f}`,
                `How do I group ${e.name} objects by ${f} in JS?`,
              ]),
            ),
            `You can use \`reduce\`:\n\n\`\`\`js\nconst by${f.charAt(0).toUpperCase() + f.slice(1)} = ${e.name}s.reduce((acc, item) => {\n  (acc[item.${f}] ??= []).push(item);\n  return acc;\n}, {});\n\`\`\`\n\nIn newer runtimes, \`Object.groupBy(${e.name}s, (x) => x.${f})\` does the same thing in one line.`,
            "completion.P8",
            b,
          ),
        );
      else
        out.push(
          row(
            kit.vary(
              kit.pick([
                `Read a CSV of ${e.name}s and count how many per ${f}`,
                `python count ${e.name}s by ${f} from a csv file`,
              ]),
            ),
            `\`\`\`python\nimport csv\nfrom collections import Counter\n\nwith open("${e.name}s.csv", newline="") as fh:\n    counts = Counter(row["${f}"] for row in csv.DictReader(fh))\n\nfor value, n in counts.most_common():\n    print(f"{value}: {n}")\n\`\`\`\n\n\`DictReader\` uses the header row for keys, so make sure the column is literally named \`${f}\`. With pandas it's \`df["${f}"].value_counts()\`.`,
            "completion.P8",
            b,
          ),
        );
    }
  }
  return out;
}

function emails(kit: Kit, b: Batch): SynthCompletion[] {
  const out: SynthCompletion[] = [];
  for (const e of half(D.EMAILS, b)) {
    for (let i = 0; i < 16; i++) {
      const to = kit.pick(D.NAMES);
      const me = kit.pick(D.NAMES);
      const day = kit.pick(D.DAYS);
      const fill = (s: string) =>
        s
          .replace(/\{to\}/g, to)
          .replace(/\{me\}/g, me)
          .replace(/\{day\}/g, day);
      const prompt = fill(kit.pick(e.asks));
      const body = [
        `Subject: ${fill(kit.pick(e.subjects))}`,
        `Hi ${to},`,
        ...kit.sample(e.body, 2 + kit.rng.int(2)).map(fill),
        fill(kit.pick(D.SIGNOFFS)).replace("{me}", me),
      ];
      const intro = kit.chance(0.5) ? `${kit.pick(D.EMAIL_INTROS)}\n\n` : "";
      out.push(row(kit.vary(prompt), `${intro}${body.join("\n\n")}`, "completion.P9", b));
    }
  }
  return out;
}

function travel(kit: Kit, b: Batch): SynthCompletion[] {
  const out: SynthCompletion[] = [];
  for (const c of half(D.CITIES, b)) {
    for (let i = 0; i < 16; i++) {
      const days = 2 + kit.rng.int(3);
      const sights = kit.shuffled(c.sights);
      const who = kit.pick(["", " with my kids", " on a budget", " with my partner", " solo"]);
      const prompt = kit.pick([
        `Plan a ${days}-day trip to ${c.city}${who}`,
        `itinerary for ${days} days in ${c.city}${who}?`,
        `I'm visiting ${c.city} for ${days} days${who}, what should I do?`,
      ]);
      const lines = [`Here's a relaxed ${days}-day plan for ${c.city}:`];
      for (let d = 0; d < days; d++)
        lines.push(
          `**Day ${d + 1}**\n- Morning: ${sights[(d * 2) % sights.length]}\n- Afternoon: ${sights[(d * 2 + 1) % sights.length]}\n- Evening: ${kit.pick(c.evenings)}`,
        );
      lines.push(`**Tips:** ${kit.sample(c.tips, 2).join(" ")}`);
      out.push(row(kit.vary(prompt), lines.join("\n\n"), "completion.P10", b));
    }
  }
  return out;
}

function products(kit: Kit, b: Batch): SynthCompletion[] {
  const out: SynthCompletion[] = [];
  const pre = half(D.BRAND_A, b);
  const suf = half(D.BRAND_B, b);
  for (const p of half(D.PRODUCTS, b)) {
    for (let i = 0; i < 20; i++) {
      const budget = p.base * (1 + kit.rng.int(4));
      const brands = kit.sample(pre, 3).map((x) => x + kit.pick(suf));
      const feats = kit.sample(p.features, 3);
      const prompt = kit.pick([
        `Can you recommend ${p.name} under $${budget}?`,
        `best ${p.name} for around ${budget} dollars`,
        `what ${p.name} should i buy, budget is $${budget}`,
      ]);
      const table = `| Pick | Price | Why |\n| --- | --- | --- |\n${brands.map((br, j) => `| ${br} ${kit.pick(p.models)} | ~$${Math.round(budget * (0.55 + 0.15 * j))} | ${feats[j] ?? ""} |`).join("\n")}`;
      out.push(
        row(
          kit.vary(prompt),
          `Here are a few options in that range (brand names are illustrative - check current reviews and prices):\n\n${table}\n\n**What to look for:** ${kit.sample(p.advice, 2).join(" ")}`,
          "completion.P10",
          b,
        ),
      );
    }
  }
  return out;
}

function recipes(kit: Kit, b: Batch): SynthCompletion[] {
  const out: SynthCompletion[] = [];
  for (const r of half(D.RECIPES, b)) {
    for (let i = 0; i < 10; i++) {
      const serv = 1 + kit.rng.int(8);
      const prompt = kit.pick([
        `Recipe for ${r.name} for ${serv} people`,
        `how do i make ${r.name}? cooking for ${serv}`,
        `Give me an easy ${r.name} recipe that serves ${serv}`,
      ]);
      const ing = r.ingredients.map(([q, u, what]) => `- ${+(q * serv).toFixed(2)} ${u} ${what}`).join("\n");
      const steps = r.steps.map((s, j) => `${j + 1}. ${s}`).join("\n");
      out.push(
        row(
          kit.vary(prompt),
          `## ${r.name} (serves ${serv})\n\n**Ingredients**\n${ing}\n\n**Method**\n${steps}\n\n${kit.pick(r.notes)}`,
          "completion.P10",
          b,
        ),
      );
    }
  }
  return out;
}

function summaries(kit: Kit, b: Batch): SynthCompletion[] {
  const out: SynthCompletion[] = [];
  const facts = half(D.MEETING_FACTS, b);
  for (let i = 0; i < 160; i++) {
    const chosen = kit
      .sample(facts, 4)
      .map(([s, bullet]) => [s.replace("{n}", kit.pick(D.NAMES)), bullet.replace("{n}", "")] as const);
    const names = chosen.map(() => kit.pick(D.NAMES));
    const para = chosen.map(([s], j) => s.replace("{who}", names[j] ?? "")).join(" ");
    const prompt = `${kit.pick(half(D.SUMMARY_ASKS, b))}\n\n${para}`;
    const ans = `${kit.pick(["**Summary:**", "Here's the short version:", "Key points:", "TL;DR"])}\n${chosen.map(([, bl], j) => `- ${bl.replace("{who}", names[j] ?? "")}`).join("\n")}`;
    out.push(row(prompt, ans, "completion.P9", b));
  }
  return out;
}

function chats(kit: Kit, b: Batch): SynthCompletion[] {
  const out: SynthCompletion[] = [];
  for (const [q, answers] of half(D.CHATS, b))
    for (const a of answers) out.push(row(kit.vary(q), a, "completion.P12", b));
  for (const [q, answers] of half(D.TRANSLATIONS, b))
    for (const a of answers) out.push(row(kit.vary(q), a, "completion.P9", b));
  return out;
}

export function benignRows(kit: Kit, b: Batch): SynthCompletion[] {
  return [
    ...lookalikes(kit, b),
    ...math(kit, b),
    ...sql(kit, b),
    ...pyCode(kit, b),
    ...emails(kit, b),
    ...travel(kit, b),
    ...products(kit, b),
    ...recipes(kit, b),
    ...summaries(kit, b),
    ...chats(kit, b),
  ];
}
