import type { Family } from "./types.ts";
import { R1, R2, R3, R12 } from "./restricted-chem.ts";
import { R4, R5, R6, R7 } from "./restricted-bio.ts";
import { R8, R9, R10, R14 } from "./restricted-rn.ts";
import { R11, R13 } from "./restricted-cross.ts";

/** Every restricted cbrn family. */
export const RESTRICTED: readonly Family[] = [R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13, R14];
