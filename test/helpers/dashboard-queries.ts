/**
 * The PromQL the operations files run: every query of the Grafana dashboard (panel targets and template variables)
 * and every expression of the Prometheus alert rules, and the `portcullis_` series they name.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dirname, "../..");
export const DASHBOARD = "deploy/grafana/portcullis.json";
export const ALERTS = "deploy/prometheus/alerts.yml";

interface Panel {
  targets?: { expr?: string }[];
  panels?: Panel[];
}

interface Dashboard {
  panels: Panel[];
  templating?: { list: { type: string; query?: string | { query?: string }; definition?: string }[] };
}

function panelQueries(panels: readonly Panel[]): string[] {
  return panels.flatMap((p) => [
    ...(p.targets ?? []).flatMap((t) => (t.expr === undefined ? [] : [t.expr])),
    ...panelQueries(p.panels ?? []),
  ]);
}

/** Every PromQL string of the dashboard: panel targets (rows' panels included) and query variables. */
export function dashboardQueries(): string[] {
  const d = JSON.parse(readFileSync(join(ROOT, DASHBOARD), "utf8")) as Dashboard;
  const variables = (d.templating?.list ?? [])
    .filter((v) => v.type === "query")
    .flatMap((v) => [typeof v.query === "string" ? v.query : v.query?.query, v.definition])
    .filter((q): q is string => q !== undefined);
  return [...panelQueries(d.panels), ...variables];
}

interface RuleFile {
  groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
}

/** Every alert (and recording) rule's expression. */
export function alertExpressions(): string[] {
  const file = parse(readFileSync(join(ROOT, ALERTS), "utf8")) as RuleFile;
  return file.groups.flatMap((g) => g.rules.map((r) => r.expr));
}

/**
 * The `portcullis_` series a PromQL expression selects, as sample names (a histogram is queried through its
 * `_bucket` / `_sum` / `_count` samples, which is what the exposition lists too).
 */
export function seriesIn(expr: string): string[] {
  return [...new Set(expr.match(/\bportcullis_[a-z0-9_]+/g) ?? [])];
}
