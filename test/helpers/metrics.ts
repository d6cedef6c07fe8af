/** Reads one sample from a process's Prometheus `/metrics` (labels given as an exact subset). */
export async function metricValue(
  baseUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** One scrape of a Prometheus exposition: each sample line as `name{labels}` -> value. */
export type Samples = ReadonlyMap<string, number>;

/** Scrapes `baseUrl/metrics` once. */
export async function scrape(baseUrl: string): Promise<Samples> {
  return parseExposition(await (await fetch(`${baseUrl}/metrics`)).text());
}

/** The samples of a Prometheus text exposition. */
export function parseExposition(text: string): Samples {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** The sample name of a sample key (`portcullis_x_bucket{le="1"}` -> `portcullis_x_bucket`). */
export function sampleName(key: string): string {
  const brace = key.indexOf("{");
  return brace === -1 ? key : key.slice(0, brace);
}

/** Sum of the samples named `name` whose labels include `labels` (an exact subset). */
export function sumOf(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [key, value] of samples) {
    if (sampleName(key) !== name) continue;
    const has = ([k, v]: [string, string]): boolean =>
      key.includes(`{${k}="${v}"`) || key.includes(`,${k}="${v}"`);
    if (Object.entries(labels).every(has)) total += value;
  }
  return total;
}

/** The names that have at least one sample (a labelled metric never touched has none). */
export function sampleNames(samples: Samples): Set<string> {
  return new Set([...samples.keys()].map(sampleName));
}
