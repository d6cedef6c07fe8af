import type { Family } from "./types.ts";
import { P1, P2, P3 } from "./permitted-chem.ts";
import { P4, P5 } from "./permitted-bio.ts";
import { P6, P7, P8 } from "./permitted-world.ts";
import { P9, P10, P11, P12 } from "./permitted-misc.ts";

/** Every permitted cbrn family. */
export const PERMITTED: readonly Family[] = [P1, P2, P3, P4, P5, P6, P7, P8, P9, P10, P11, P12];
