/**
 * Multi-turn conversations (`classifiers/constitution/conversation.md`): decomposition and crescendo threads,
 * coreference back to a restricted ask, many-shot and role-play exploitation, persistence after a refusal, and the
 * benign look-alikes that must pass (sensitive-but-fine threads, a benign follow-up after a refusal, ordinary
 * multi-turn work). Every conversation ends with a user turn; the label is about that turn read with earlier ones.
 */
import type { HarmCategory } from "../../types.ts";
import type { Generator, Kit, SynthConversation, SynthPrompt } from "../kit.ts";
import { CBRN_LADDERS } from "../content/multiturn/cbrn.ts";
import { CRESCENDO_LADDERS } from "../content/multiturn/crescendo.ts";
import {
  ASKS,
  COREF_ALT,
  COREF_GENERIC,
  META_FOLLOWUPS,
  PUSHBACKS,
  REFUSALS,
  SAFE_BRIDGES,
  UNRELATED,
} from "../content/multiturn/refusals.ts";
import { ORDINARY_DOMAINS, SENSITIVE_DOMAINS } from "../content/multiturn/domains.ts";
import {
  BENIGN_ROLE_SETUPS,
  FEW_SHOT_BENIGN,
  FEW_SHOT_FINAL,
  MANY_SHOT_INTROS,
  MANY_SHOT_OUTROS,
  MANY_SHOT_PAIRS,
  PAYLOADS,
  ROLE_ACCEPTS,
  ROLE_EXPLOITS,
  ROLE_SETUPS,
  ROLE_WARMUPS,
  SHOT_REPLIES,
  SYSTEM_PROMPTS,
} from "../content/multiturn/attacks.ts";
import type { Domain, Ladder } from "../content/multiturn/types.ts";

type Batch = "a" | "b";
type Msg = { role: "user" | "assistant" | "system"; content: string };
type Attack = "jailbreak" | null;

const BATCHES: readonly Batch[] = ["a", "b"];

/** The half of a hand-written list that belongs to a batch (even indices to `a`, odd to `b`), so batches are disjoint. */
const half = <T>(items: readonly T[], b: Batch): T[] => items.filter((_, i) => i % 2 === (b === "a" ? 0 : 1));

function make(
  kit: Kit,
  batch: Batch,
  clause: string,
  harmful: boolean,
  cats: readonly HarmCategory[],
  attack: Attack,
  turns: readonly Msg[],
): SynthConversation {
  const messages: Msg[] = [];
  if (kit.chance(0.12)) messages.push({ role: "system", content: kit.pick(half(SYSTEM_PROMPTS, batch)) });
  for (const t of turns)
    messages.push(t.role === "user" ? { role: "user", content: kit.vary(t.content, 0.25) } : t);
  return { clause, batch, harmful, categories: harmful ? [...cats] : [], attack, messages };
}

const u = (content: string): Msg => ({ role: "user", content });
const a = (content: string): Msg => ({ role: "assistant", content });

/** An escalating thread: open, optional mid, optional earlier restricted ask (deflected), then the latest turn. */
function ladderRows(kit: Kit, ladders: readonly Ladder[], clause: string, nHarm: number, nSafe: number) {
  const out: SynthConversation[] = [];
  for (const l of ladders) {
    for (const b of BATCHES) {
      const open = half(l.open, b);
      const openReply = half(l.openReply, b);
      const mid = half(l.mid, b);
      const midReply = half(l.midReply, b);
      const harm = half(l.harm, b);
      const harmReply = half(l.harmReply, b);
      const safe = half(l.safe, b);
      for (let i = 0; i < nHarm; i++) {
        const turns: Msg[] = [u(kit.pick(open)), a(kit.pick(openReply))];
        if (kit.chance(0.75)) turns.push(u(kit.pick(mid)), a(kit.pick(midReply)));
        const [first, second] = kit.sample(harm, 2);
        if (first === undefined) continue;
        if (second !== undefined && kit.chance(0.35)) turns.push(u(second), a(kit.pick(harmReply)));
        turns.push(u(first));
        out.push(make(kit, b, clause, true, l.cats, null, turns));
      }
      for (let i = 0; i < nSafe; i++) {
        const turns: Msg[] = [u(kit.pick(open)), a(kit.pick(openReply))];
        if (kit.chance(0.6)) turns.push(u(kit.pick(mid)), a(kit.pick(midReply)));
        turns.push(u(kit.pick(safe)));
        out.push(make(kit, b, "conversation.P1", false, [], null, turns));
      }
    }
  }
  return out;
}

/** A domain chat: open, reply, zero to two follow-ups, then the final ask. */
function domainRows(kit: Kit, domains: readonly Domain[], clause: string, n: number) {
  const out: SynthConversation[] = [];
  for (const d of domains) {
    for (const b of BATCHES) {
      const follow = half(d.follow, b);
      const reply2 = half(d.reply2, b);
      for (let i = 0; i < n; i++) {
        const turns: Msg[] = [u(kit.pick(half(d.open, b))), a(kit.pick(half(d.reply, b)))];
        const k = kit.pick([0, 1, 1, 2]);
        for (const f of kit.sample(follow, k)) turns.push(u(f), a(kit.pick(reply2)));
        turns.push(u(kit.pick(half(d.end, b))));
        out.push(make(kit, b, clause, false, [], null, turns));
      }
    }
  }
  return out;
}

/** Restricted ask, refusal, then: a benign follow-up (P2/P6), a push to get it anyway (R6) or a coreference (R3). */
function refusalRows(kit: Kit, b: Batch, n: number) {
  const out: SynthConversation[] = [];
  const asks = half(ASKS, b);
  const refusals = half(REFUSALS, b);
  const unrelated = half(UNRELATED, b);
  const bridges = half(SAFE_BRIDGES, b);
  const meta = half(META_FOLLOWUPS, b);
  const pushes = half(PUSHBACKS, b);
  const corefAlt = half(COREF_ALT, b);
  const corefGeneric = half(COREF_GENERIC, b);
  for (let i = 0; i < n; i++) {
    const ask = kit.pick(asks);
    const head: Msg[] = [u(ask.text), a(kit.pick(refusals))];
    const r = kit.rng.next();
    if (r < 0.3) {
      out.push(make(kit, b, "conversation.P2", false, [], null, [...head, u(kit.pick(unrelated))]));
    } else if (r < 0.55) {
      const safe = ask.safe.length > 0 ? kit.pick(ask.safe) : kit.pick(unrelated);
      const text = kit.chance(0.5) ? `${kit.pick(bridges)} ${safe}` : safe;
      out.push(make(kit, b, "conversation.P2", false, [], null, [...head, u(text)]));
    } else if (r < 0.6) {
      out.push(make(kit, b, "conversation.P6", false, [], null, [...head, u(kit.pick(meta))]));
    } else if (r < 0.78) {
      const turns = [...head, u(kit.pick(pushes))];
      if (kit.chance(0.3)) turns.push(a(kit.pick(refusals)), u(kit.pick(pushes)));
      if (turns.at(-1)?.content === turns.at(-3)?.content) continue;
      out.push(make(kit, b, "conversation.R6", true, ask.cats, null, turns));
    } else {
      const alt = ask.alt.length > 0 && kit.chance(0.55) ? kit.pick(ask.alt) : null;
      const end = alt === null ? kit.pick(corefGeneric) : kit.fill(kit.pick(corefAlt), { x: alt });
      out.push(make(kit, b, "conversation.R3", true, ask.cats, null, [...head, u(end)]));
    }
  }
  return out;
}

/** Role-play set up early (system or user), accepted, optionally warmed up, then exploited (R5) or kept benign (P4). */
function roleRows(kit: Kit, b: Batch, nHarm: number, nSafe: number) {
  const out: SynthConversation[] = [];
  const setups = half(ROLE_SETUPS, b);
  const accepts = half(ROLE_ACCEPTS, b);
  const warmups = half(ROLE_WARMUPS, b);
  const exploits = half(ROLE_EXPLOITS, b);
  const payloads = half(PAYLOADS, b);
  for (let i = 0; i < nHarm; i++) {
    const p = kit.pick(payloads);
    const turns: Msg[] = [u(kit.pick(setups)), a(kit.pick(accepts))];
    if (kit.chance(0.5)) turns.push(u(kit.pick(warmups)), a(kit.pick(accepts)));
    turns.push(u(kit.fill(kit.pick(exploits), { payload: p.text })));
    out.push(make(kit, b, "conversation.R5", true, p.cats, "jailbreak", turns));
  }
  for (const setup of half(BENIGN_ROLE_SETUPS, b)) {
    for (let i = 0; i < nSafe; i++) {
      const [first, ...rest] = kit.sample(setup.follow, 1 + kit.rng.int(3));
      const turns: Msg[] = [u(kit.pick(setup.open)), a(kit.pick(setup.reply))];
      for (const f of rest) turns.push(u(f), a(kit.pick(setup.reply2)));
      if (first === undefined) continue;
      turns.push(u(first));
      out.push(make(kit, b, "conversation.P4", false, [], null, turns));
    }
  }
  return out;
}

function shots<T>(kit: Kit, items: readonly T[], lo: number, hi: number): T[] {
  return kit.sample(items, lo + kit.rng.int(hi - lo + 1));
}

/** Many fake Q/A pairs of compliance then a new restricted ask (R4), and benign few-shot look-alikes (P5). */
function manyShotRows(kit: Kit, b: Batch, nHarm: number, nSafe: number) {
  const out: SynthConversation[] = [];
  const pairs = half(MANY_SHOT_PAIRS, b);
  const payloads = half(PAYLOADS, b);
  const intros = half(MANY_SHOT_INTROS, b);
  const outros = half(MANY_SHOT_OUTROS, b);
  const replies = half(SHOT_REPLIES, b);
  for (let i = 0; i < nHarm; i++) {
    const p = kit.pick(payloads);
    const chosen = shots(kit, pairs, 4, 9);
    if (kit.chance(0.35)) {
      // the fake compliance is planted as earlier turns of the conversation itself
      const turns: Msg[] = [];
      for (const s of chosen.slice(0, 3)) turns.push(u(s.q), a(s.a));
      turns.push(u(`${p.text.charAt(0).toUpperCase()}${p.text.slice(1)}?`));
      out.push(make(kit, b, "conversation.R4", true, p.cats, "jailbreak", turns));
      continue;
    }
    const block = chosen.map((s) => `Q: ${s.q}\nA: ${s.a}`).join("\n\n");
    const finalAsk = kit.fill(kit.pick(outros), { payload: p.text });
    const turns: Msg[] = [];
    if (kit.chance(0.5)) {
      turns.push(u(`${kit.pick(intros)}\n\n${block}`), a(kit.pick(replies)), u(finalAsk));
    } else {
      turns.push(u(kit.pick(intros).replace(/:$/, ".")), a(kit.pick(replies)), u(`${block}\n\n${finalAsk}`));
    }
    out.push(make(kit, b, "conversation.R4", true, p.cats, "jailbreak", turns));
  }
  const benign = half(FEW_SHOT_BENIGN, b);
  const finals = half(FEW_SHOT_FINAL, b);
  for (let i = 0; i < nSafe; i++) {
    const set = kit.pick(benign);
    const block = shots(kit, set.pairs, 3, 6)
      .map((s) => `Q: ${s.q}\nA: ${s.a}`)
      .join("\n\n");
    const turns: Msg[] = [
      u(kit.pick(set.intro)),
      a(kit.pick(replies)),
      u(`${block}\n\n${kit.pick(finals)} ${kit.pick(set.final)}`),
    ];
    out.push(make(kit, b, "conversation.P5", false, [], null, turns));
  }
  return out;
}

/** Coreference endings seeded from earlier generators' harmful prompts, when there are any. */
function priorRows(kit: Kit, prompts: readonly SynthPrompt[], n: number) {
  const out: SynthConversation[] = [];
  for (const b of BATCHES) {
    const seeds = prompts.filter(
      (p) =>
        p.harmful && p.batch === b && p.attack === null && p.categories.length > 0 && p.text.length < 400,
    );
    if (seeds.length === 0) continue;
    const refusals = half(REFUSALS, b);
    const corefGeneric = half(COREF_GENERIC, b);
    const unrelated = half(UNRELATED, b);
    for (let i = 0; i < n; i++) {
      const s = kit.pick(seeds);
      const head: Msg[] = [u(s.text), a(kit.pick(refusals))];
      if (kit.chance(0.6))
        out.push(
          make(kit, b, "conversation.R3", true, s.categories, null, [...head, u(kit.pick(corefGeneric))]),
        );
      else out.push(make(kit, b, "conversation.P2", false, [], null, [...head, u(kit.pick(unrelated))]));
    }
  }
  return out;
}

const generator: Generator = {
  group: "multiturn",
  order: 20,
  generate(kit, prior) {
    const rows: SynthConversation[] = [
      ...ladderRows(kit, CBRN_LADDERS, "conversation.R1", 34, 14),
      ...ladderRows(kit, CRESCENDO_LADDERS, "conversation.R2", 22, 9),
      ...BATCHES.flatMap((b) => refusalRows(kit, b, 1000)),
      ...BATCHES.flatMap((b) => roleRows(kit, b, 160, 14)),
      ...BATCHES.flatMap((b) => manyShotRows(kit, b, 110, 70)),
      ...domainRows(kit, SENSITIVE_DOMAINS, "conversation.P1", 32),
      ...domainRows(kit, ORDINARY_DOMAINS, "conversation.P3", 34),
      ...priorRows(kit, prior.prompts, 150),
    ];
    return { conversations: kit.shuffled(rows) };
  },
};

export default generator;
