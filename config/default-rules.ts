/**
 * The built-in rule list: a small, high-precision first tier that works before (and alongside) the trained
 * models. Operators extend it with their own `rules` classifier in the config file.
 */
import type { Rule } from "../classifiers/rules.ts";

const CBRN_AGENTS =
  "nerve agents?|sarin|tabun|soman|cyclosarin|vx|novichok|anthrax|ricin|botulinum( toxin)?|mustard gas|" +
  "weaponi[sz]ed (smallpox|plague|ebola)|bioweapons?|chemical weapons?|dirty bomb";
const MAKE_VERBS =
  "synthes\\w*|make|making|produc\\w*|manufactur\\w*|weaponi[sz]\\w*|cook\\w*|brew\\w*|culture|cultivat\\w*";

export const DEFAULT_RULES: readonly Rule[] = [
  {
    id: "cbrn-make",
    keys: ["cbrn"],
    pattern: `\\b(${MAKE_VERBS})\\b[^.?!\\n]{0,48}\\b(${CBRN_AGENTS})\\b`,
    maxSpan: 160,
  },
  {
    id: "cbrn-route",
    keys: ["cbrn"],
    pattern: `\\b(${CBRN_AGENTS})\\b[^.?!\\n]{0,24}\\b(synthesis|production|precursors?|weaponi[sz]ation|dispersal)\\b`,
    maxSpan: 160,
  },
  {
    id: "jailbreak-templates",
    keys: ["attack"],
    phrases: [
      "ignore all previous instructions",
      "ignore all prior instructions",
      "ignore your previous instructions",
      "disregard all previous instructions",
      "you are now dan",
      "do anything now",
      "developer mode enabled",
      "jailbreak mode",
      "stay in character no matter what",
      "you have been freed from the typical confines of ai",
    ],
    score: 0.9,
  },
  {
    id: "prompt-extraction",
    keys: ["attack"],
    pattern:
      "\\b(reveal|print|repeat|show|output)\\b[^.?!\\n]{0,24}\\b(system prompt|hidden instructions|initial instructions)\\b",
    maxSpan: 160,
    score: 0.8,
  },
  {
    id: "child-sexual",
    keys: ["child_safety"],
    pattern:
      "\\b(sexual|sexy|nude|naked|erotic)\\b[^.?!\\n]{0,40}\\b(child|children|minor|minors|kid|kids|preteen|\\d{1,2}[- ]year[- ]old)\\b",
    maxSpan: 160,
  },
  {
    id: "ransomware",
    keys: ["cyber"],
    pattern:
      "\\b(write|build|create|code|develop)\\b[^.?!\\n]{0,32}\\b(ransomware|keylogger|credential stealer|botnet)\\b",
    maxSpan: 160,
    score: 0.9,
  },
];
