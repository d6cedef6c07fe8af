/** Resolves the configured policies (preset + overrides) into complete per-stage policies, once at boot. */
import { STAGES, type Stage } from "../../classifiers/types.ts";
import type { Config, StagePolicy, StreamPolicy } from "../../config/schema.ts";
import { buildPreset, thresholdsFor, type ClassifierInfo } from "./presets.ts";

export interface ResolvedPolicy {
  readonly name: string;
  readonly version: string;
  /** ASL level of the preset; a route at a higher level refuses keys with this policy. */
  readonly asl: 2 | 3;
  readonly stages: Readonly<Record<Stage, StagePolicy>>;
  readonly stream: StreamPolicy;
}

/** Drops keys whose value is undefined, so a partial override never erases a preset value. */
function defined<T extends object>(o: { [K in keyof T]?: T[K] | undefined } | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Applies each policy's overrides on top of its preset. */
export function resolvePolicies(
  policies: Config["policies"],
  infos: readonly ClassifierInfo[],
): Map<string, ResolvedPolicy> {
  const out = new Map<string, ResolvedPolicy>();
  for (const [name, p] of Object.entries(policies)) {
    const preset = buildPreset(p.preset, infos);
    const stages = {} as Record<Stage, StagePolicy>;
    for (const s of STAGES) {
      const base = preset.stages[s];
      const o = defined<StagePolicy>(p.stages[s]);
      // An overridden cascade changes which scores the thresholds apply to: a stage without its model must not
      // judge rule scores by the model's calibration.
      const baseThresholds =
        o.cascade === undefined
          ? base.thresholds
          : thresholdsFor(
              s,
              infos.filter((i) => o.cascade?.some((tier) => tier.includes(i.name))),
              p.preset === "asl3",
            );
      stages[s] = { ...base, ...o, thresholds: { ...baseThresholds, ...o.thresholds } };
    }
    out.set(name, {
      name,
      version: p.version,
      asl: p.preset === "asl3" ? 3 : 2,
      stages,
      stream: { ...preset.stream, ...defined<StreamPolicy>(p.stream) },
    });
  }
  return out;
}
