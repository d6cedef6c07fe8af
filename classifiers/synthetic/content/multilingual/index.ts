import { ar } from "./ar.ts";
import { de } from "./de.ts";
import { es } from "./es.ts";
import { fr } from "./fr.ts";
import { hi, hiLatn } from "./hi.ts";
import { id } from "./id.ts";
import { it } from "./it.ts";
import { ja } from "./ja.ts";
import { ko } from "./ko.ts";
import { pl } from "./pl.ts";
import { pt } from "./pt.ts";
import { ru } from "./ru.ts";
import { tr } from "./tr.ts";
import type { Pack } from "./types.ts";
import { vi } from "./vi.ts";
import { zh } from "./zh.ts";
import { zhCompose } from "./zh-compose.ts";

/** Every language pack of the `multilingual` generator, in a fixed order. */
export const PACKS: readonly Pack[] = [
  fr,
  de,
  es,
  pt,
  it,
  zh,
  zhCompose,
  ja,
  ru,
  ar,
  hi,
  hiLatn,
  ko,
  tr,
  pl,
  id,
  vi,
];
