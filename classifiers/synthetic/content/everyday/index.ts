import { CREATIVE, EDGY, HOMONYMS } from "./creative.ts";
import { COOKING, FINANCE, LEGAL, TRAVEL } from "./home.ts";
import { COLLISIONS, RESETS } from "./extra.ts";
import { CASUAL, HEALTH, RELATIONSHIPS, STUDY } from "./life.ts";
import { FIGURATIVE, MEDS, PARENTING, SECURITY } from "./neighbours.ts";
import type { Family } from "./types.ts";
import { ROLEPLAY, SYSPROMPT, TRANSLATION } from "./voice.ts";
import { BUSINESS, WRITING } from "./work.ts";

/** Every template family of the group besides coding and shell (which the generator imports directly). */
export const FAMILIES: readonly Family[] = [
  WRITING,
  BUSINESS,
  STUDY,
  HEALTH,
  RELATIONSHIPS,
  CASUAL,
  TRAVEL,
  COOKING,
  FINANCE,
  LEGAL,
  ROLEPLAY,
  SYSPROMPT,
  TRANSLATION,
  CREATIVE,
  EDGY,
  HOMONYMS,
  COLLISIONS,
  RESETS,
  MEDS,
  SECURITY,
  PARENTING,
  FIGURATIVE,
];
