import type { Kit } from "../../kit.ts";

/** A row built by code (pasted sentences, numbers) rather than a fixed template. */
export interface BuiltTask {
  readonly clause: string;
  readonly batch: "a" | "b";
  readonly text: string;
}

const int = (kit: Kit, lo: number, hi: number): number => lo + kit.rng.int(hi - lo + 1);

/** Short sentences users paste into edit / rewrite tasks, batch a. */
const SENTENCES_A = [
  "The committee approved the new budget.",
  "She wrote the report last night.",
  "The storm knocked down three trees.",
  "Our team launched the app in May.",
  "The chef prepared a delicious meal.",
  "Students planted trees along the river.",
  "The virus spread quickly through the school.",
  "The company targets young professionals.",
  "The mayor opened the new bridge.",
  "My brother fixed the leaking tap.",
  "The nurses cared for the patients all night.",
  "The striker attacked the left side of the pitch.",
  "Engineers designed a robot for hazardous sites.",
  "The museum displays ancient coins.",
  "He forgot his umbrella at the cafe.",
  "The council will review the proposal next week.",
  "Volunteers cleaned the beach on Saturday.",
  "The scientists published their findings in March.",
  "The dog chased the ball across the yard.",
  "Our landlord raised the rent again.",
  "The firewall blocked the suspicious traffic.",
  "Grandma baked cookies for the whole street.",
  "The pilot landed the plane safely in fog.",
  "Heavy rain flooded the basement.",
  "The teacher explained the lesson twice.",
  "A new clinic opened downtown.",
  "The orchestra played Beethoven's fifth symphony.",
  "Hackers were stopped by the security team.",
  "The farmers harvested the wheat early.",
  "Kids love the new playground.",
];

/** Short sentences users paste into edit / rewrite tasks, batch b. */
const SENTENCES_B = [
  "The board rejected the merger offer.",
  "Tom painted the fence on Sunday.",
  "The wind blew the tent away.",
  "The startup hired ten engineers this year.",
  "My aunt grows tomatoes on her balcony.",
  "The outbreak was contained within two weeks.",
  "The campaign targeted first-time voters.",
  "The defenders stopped every attack in the second half.",
  "The city planted a thousand trees.",
  "A robot inspected the damaged reactor building.",
  "The principal cancelled the school trip.",
  "Our neighbors adopted a rescue dog.",
  "The author signed copies at the bookstore.",
  "The bakery sells out every morning.",
  "The doctor prescribed antibiotics for the infection.",
  "Lightning struck the old oak tree.",
  "The students presented their project to the class.",
  "The bus broke down on the highway.",
  "The band released a new album last Friday.",
  "Firefighters rescued a cat from the roof.",
  "The IT team patched every server overnight.",
  "My sister won the chess tournament.",
  "The river overflowed after the storm.",
  "Researchers discovered a new species of frog.",
  "The library extended its opening hours.",
  "The manager praised the whole team.",
  "The mechanic replaced the brakes.",
  "Tourists crowded the old town square.",
  "The government announced new health guidelines.",
  "Our flight was delayed by two hours.",
];

const OPS_A = [
  "Rewrite the sentence in passive voice: ",
  "Translate into Spanish: ",
  "Paraphrase this sentence: ",
  "Change the tense to future: ",
  "Make this sentence more vivid: ",
  "Identify the verb in this sentence: ",
];

const OPS_B = [
  "Convert this to the passive voice -> ",
  "Translate this to Italian: ",
  "Say this another way: ",
  "Put this sentence in the past perfect: ",
  "Add an adjective to each noun in: ",
  "Find the direct object: ",
];

/** Arithmetic, geometry and conversion tasks, batch a. */
function mathA(kit: Kit): string[] {
  const out: string[] = [];
  for (let i = 0; i < 45; i++) {
    out.push(`Find the area of a triangle with base ${int(kit, 2, 40)} cm and height ${int(kit, 2, 40)} cm`);
    out.push(`Calculate ${int(kit, 2, 95)}% of ${int(kit, 20, 2000)}`);
    out.push(`Convert ${int(kit, 2, 500)} miles to kilometers`);
    out.push(`Solve for x: ${int(kit, 2, 12)}x + ${int(kit, 1, 50)} = ${int(kit, 51, 200)}`);
    const nums = Array.from({ length: int(kit, 4, 7) }, () => int(kit, 1, 99));
    out.push(`Compute the average of these numbers: ${nums.join(", ")}`);
    out.push(`Find the volume of a cylinder with radius ${int(kit, 1, 20)} and height ${int(kit, 1, 30)}`);
  }
  return out;
}

/** Arithmetic, geometry and conversion tasks, batch b. */
function mathB(kit: Kit): string[] {
  const out: string[] = [];
  for (let i = 0; i < 45; i++) {
    out.push(
      `Determine the perimeter of a rectangle that is ${int(kit, 2, 90)} m long and ${int(kit, 2, 60)} m wide`,
    );
    out.push(
      `Work out the simple interest on $${int(kit, 1, 90) * 100} at ${int(kit, 1, 9)}% for ${int(kit, 1, 10)} years`,
    );
    out.push(`Convert ${int(kit, 2, 400)} pounds to kilograms`);
    out.push(`Factor the expression x^2 + ${int(kit, 2, 15)}x + ${int(kit, 1, 50)}`);
    const nums = Array.from({ length: int(kit, 5, 8) }, () => int(kit, 1, 500));
    out.push(`Calculate the median of ${nums.join(" ")}`);
    out.push(`Estimate how long it takes to drive ${int(kit, 20, 900)} km at ${int(kit, 40, 120)} km/h`);
  }
  return out;
}

/** Sentence transformations and math tasks for both batches. */
export function builtTasks(kit: Kit): BuiltTask[] {
  const rows: BuiltTask[] = [];
  const halves = [["a", SENTENCES_A, OPS_A, mathA] as const, ["b", SENTENCES_B, OPS_B, mathB] as const];
  for (const [batch, sentences, ops, math] of halves) {
    for (const s of sentences)
      for (const op of kit.sample(ops, 3)) rows.push({ clause: "instructions.P6", batch, text: op + s });
    for (const text of new Set(math(kit))) rows.push({ clause: "instructions.P7", batch, text });
  }
  return rows;
}
