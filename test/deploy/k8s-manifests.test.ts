/**
 * The Kubernetes manifests (`deploy/k8s/`, and the Redis Cluster example in `deploy/k8s/redis-cluster/`) hold
 * together before any cluster sees them: every document matches the schema of its apiVersion/kind
 * (`kubernetes-models`, offline; a kind it does not know fails) and names no field that schema lacks (`kubectl
 * apply` validates strictly and would refuse it); every file is in its directory's kustomization or deliberately
 * out of it; and the references between objects resolve - Service, PDB and workload selectors, HPA targets and the
 * prometheus-adapter rule behind the HPA's Pods metric (an exported series, a rate only of what only grows), probe
 * ports, Secret / ConfigMap sources, and the Redis Cluster node names in REDIS_URL and in the cluster-create Job; the
 * gateway's grace period covers its preStop and the drain its config asks for. With `kubectl` installed, both
 * kustomizations also build; without it that test is skipped, saying so.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IService } from "kubernetes-models/v1/Service";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { loadConfig } from "../../config/load.ts";
import { parseRedisUrl } from "../../contracts/redis-client.ts";
import { createMetrics } from "../../gateway/observability/metrics.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const K8S = join(ROOT, "deploy/k8s");
const ADAPTER_RULES = "prometheus-adapter-rules.yaml";
/** Files that no kustomization applies, and why. */
const NOT_APPLIED: Readonly<Record<string, string>> = {
  "secret.example.yaml": "secrets are created out of band",
  "redis-cluster/secret.example.yaml": "secrets are created out of band",
  [ADAPTER_RULES]: "Helm values for prometheus-adapter, not an object of this namespace",
};
const KUSTOMIZATION = "kustomize.config.k8s.io/v1beta1/Kustomization";
/** What the checks below model; a kustomization using more (patches, generators) must be taught here first. */
const KUSTOMIZATION_KEYS = new Set(["apiVersion", "kind", "namespace", "resources", "images"]);

interface Manifest {
  /** `file#index`, for messages. */
  where: string;
  file: string;
  apiVersion: string;
  kind: string;
  name: string;
  body: Record<string, unknown>;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(join(K8S, dir))
    .sort()
    .flatMap((f) => {
      const rel = dir === "" ? f : `${dir}/${f}`;
      if (statSync(join(K8S, rel)).isDirectory()) return yamlFiles(rel);
      return /\.ya?ml$/.test(f) ? [rel] : [];
    });
}

function loadManifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(K8S, file), "utf8")).flatMap((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${file}#${i}: ${doc.errors[0]?.message}`);
    const body = doc.toJS() as (Record<string, unknown> & { metadata?: { name?: unknown } }) | null;
    if (body === null) return [];
    const [apiVersion = "", kind = "", name = ""] = [body.apiVersion, body.kind, body.metadata?.name].map(
      String,
    );
    return [{ where: `${file}#${i}`, file, apiVersion, kind, name, body }];
  });
}

const FILES = yamlFiles("");
const ALL = FILES.filter((f) => f !== ADAPTER_RULES).flatMap(loadManifests);
const OBJECTS = ALL.filter((m) => `${m.apiVersion}/${m.kind}` !== KUSTOMIZATION);
const KUSTOMIZATIONS = ALL.filter((m) => `${m.apiVersion}/${m.kind}` === KUSTOMIZATION);
/** The objects of one kind, typed after their schema (the schema test checks them against it). */
function ofKind<T>(kind: string): { m: Manifest; o: T }[] {
  return OBJECTS.filter((m) => m.kind === kind).map((m) => ({ m, o: m.body as unknown as T }));
}

interface Workload {
  m: Manifest;
  template: IPodTemplateSpec;
}
const WORKLOADS: Workload[] = OBJECTS.filter((m) =>
  ["Deployment", "StatefulSet", "Job"].includes(m.kind),
).map((m) => ({ m, template: (m.body as { spec: { template: IPodTemplateSpec } }).spec.template }));
const containersOf = (w: Workload): IContainer[] => w.template.spec?.containers ?? [];

function selects(selector: Record<string, string> | undefined, w: Workload): boolean {
  const labels = w.template.metadata?.labels ?? {};
  return (
    selector !== undefined &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels[k] === v)
  );
}

/** The one workload a selector picks (a Service or PDB spanning two workloads is a mistake too). */
function selectedWorkload(where: string, selector: Record<string, string> | undefined): Workload {
  const hits = WORKLOADS.filter((w) => w.m.kind !== "Job" && selects(selector, w));
  expect(
    hits.map((w) => w.m.name),
    `${where}: selector ${JSON.stringify(selector)}`,
  ).toHaveLength(1);
  return hits[0] as Workload;
}

function portNamed(c: IContainer, port: number | string): boolean {
  return (c.ports ?? []).some((p) => (typeof port === "string" ? p.name === port : p.containerPort === port));
}

/** `sts-N.svc` names pod N of StatefulSet `sts` behind headless Service `svc`: both must exist, and pod N too. */
function statefulSetPod(host: string): IStatefulSet | undefined {
  const m = /^(.+)-(\d+)\.([^.]+)$/.exec(host);
  if (!m) return undefined;
  const sts = ofKind<IStatefulSet>("StatefulSet").find((s) => s.m.name === m[1])?.o;
  expect(sts, `${host}: no StatefulSet ${m[1]}`).toBeDefined();
  expect(sts?.spec?.serviceName, `${host}: StatefulSet ${m[1]}'s serviceName`).toBe(m[3]);
  expect(Number(m[2]), `${host}: ordinal past the StatefulSet's replicas`).toBeLessThan(
    sts?.spec?.replicas ?? 1,
  );
  return sts;
}

/** Field names the documents use that their schema does not have, found by TypeScript's excess-property check. */
function unknownFields(docs: readonly Manifest[]): string[] {
  const file = join(ROOT, "test/deploy/__k8s-manifests__.ts");
  const lines = docs.flatMap((d, i) => [
    `import type { I${d.kind} as T${i} } from "kubernetes-models/${d.apiVersion}/${d.kind}";`,
    `export const d${i}: T${i} = ${JSON.stringify(d.body)};`,
  ]);
  const src = lines.join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  };
  // The generated file exists only in memory; everything else (kubernetes-models' types) comes from disk.
  const base = ts.createCompilerHost(options);
  const host: ts.CompilerHost = {
    ...base,
    getSourceFile: (name, lang, ...rest) =>
      name === file ? ts.createSourceFile(name, src, lang) : base.getSourceFile(name, lang, ...rest),
    fileExists: (name) => name === file || base.fileExists(name),
    readFile: (name) => (name === file ? src : base.readFile(name)),
  };
  const program = ts.createProgram([file], options, host);
  const sf = program.getSourceFile(file);
  return ts.getPreEmitDiagnostics(program, sf).map((d) => {
    const line = sf && d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line : -1;
    const doc = docs[Math.floor(line / 2)];
    return `${doc?.where ?? "?"}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
}

type ModelClass = { apiVersion: string; kind: string } & (new (data: object) => { validate(): void });
const isModelClass = (v: unknown): v is ModelClass =>
  typeof v === "function" && "apiVersion" in v && "kind" in v;

describe("deploy/k8s manifests", () => {
  it("found the manifests", () => {
    expect(KUSTOMIZATIONS.map((k) => k.file)).toEqual([
      "kustomization.yaml",
      "redis-cluster/kustomization.yaml",
    ]);
    expect(OBJECTS.length).toBeGreaterThan(10);
  });

  it("match the schema of their apiVersion/kind, with a name each; unknown kinds fail", async () => {
    for (const m of OBJECTS) {
      const spec = `kubernetes-models/${m.apiVersion}/${m.kind}`;
      const mod = (await import(/* @vite-ignore */ spec).catch(() => ({}))) as Record<string, unknown>;
      const model = mod[m.kind];
      expect(
        isModelClass(model) && model.apiVersion === m.apiVersion,
        `${m.where}: unknown kind ${m.apiVersion}/${m.kind}`,
      ).toBe(true);
      if (!isModelClass(model)) continue;
      expect(() => new model(m.body).validate(), m.where).not.toThrow();
      const name = (m.body.metadata as { name?: unknown } | undefined)?.name;
      expect(
        typeof name === "string" && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name),
        `${m.where}: name`,
      ).toBe(true);
    }
    expect(new Set(OBJECTS.map((m) => `${m.kind}/${m.name}`)).size, "kind/name pairs are unique").toBe(
      OBJECTS.length,
    );
  });

  it("name no field their schema does not have", () => {
    expect(unknownFields(OBJECTS)).toEqual([]);
  });

  it("are each listed in their directory's kustomization, or deliberately not", () => {
    const namespaces = new Set(KUSTOMIZATIONS.map((k) => k.body.namespace));
    // One namespace: the gateway reaches the Redis nodes by their short names (portcullis-redis-0.portcullis-redis).
    expect([...namespaces]).toEqual(["portcullis"]);
    const listed = new Set<string>(KUSTOMIZATIONS.map((k) => k.file));
    for (const k of KUSTOMIZATIONS) {
      expect(
        Object.keys(k.body).filter((key) => !KUSTOMIZATION_KEYS.has(key)),
        k.where,
      ).toEqual([]);
      const dir = dirname(k.file);
      for (const r of k.body.resources as string[]) {
        const rel = dir === "." ? r : `${dir}/${r}`;
        expect(FILES, `${k.where}: resource ${r}`).toContain(rel);
        listed.add(rel);
      }
    }
    const orphans = FILES.filter((f) => !listed.has(f) && NOT_APPLIED[f] === undefined);
    expect(orphans, "files no kustomization lists").toEqual([]);
    expect(
      FILES.filter((f) => listed.has(f) && NOT_APPLIED[f] !== undefined),
      "listed yet said not to be",
    ).toEqual([]);
  });

  it("select pods that exist: workloads, Services (with their target ports) and PDBs", () => {
    for (const w of WORKLOADS.filter((x) => x.m.kind !== "Job")) {
      const sel = (w.m.body as { spec: { selector: { matchLabels?: Record<string, string> } } }).spec
        .selector;
      expect(selects(sel.matchLabels, w), `${w.m.where}: selector matches its own template`).toBe(true);
    }
    for (const { m, o } of ofKind<IService>("Service")) {
      const w = selectedWorkload(m.where, o.spec?.selector);
      for (const p of o.spec?.ports ?? []) {
        const target = p.targetPort ?? p.port;
        expect(
          containersOf(w).some((c) => portNamed(c, target)),
          `${m.where}: targetPort ${target}`,
        ).toBe(true);
      }
    }
    for (const { m, o } of ofKind<IStatefulSet>("StatefulSet")) {
      const svc = ofKind<IService>("Service").find((s) => s.m.name === o.spec?.serviceName);
      expect(svc?.o.spec?.clusterIP, `${m.where}: serviceName names a headless Service`).toBe("None");
    }
    const pdbs = ofKind<{
      spec: { selector: { matchLabels: Record<string, string> }; minAvailable?: number };
    }>("PodDisruptionBudget");
    for (const { m, o } of pdbs) {
      const w = selectedWorkload(m.where, o.spec.selector.matchLabels);
      const replicas = (w.m.body as { spec: { replicas?: number } }).spec.replicas ?? 1;
      if (o.spec.minAvailable !== undefined)
        expect(o.spec.minAvailable, `${m.where}: would block every drain`).toBeLessThan(replicas);
    }
    expect(pdbs.map((p) => p.m.name).sort()).toEqual([
      "portcullis-gateway",
      "portcullis-redis",
      "portcullis-workers",
    ]);
  });

  it("probe ports that their container declares; every long-running container has readiness and liveness", () => {
    for (const w of WORKLOADS) {
      for (const c of containersOf(w)) {
        const where = `${w.m.where} container ${c.name}`;
        if (w.m.kind !== "Job") expect([c.readinessProbe, c.livenessProbe], where).not.toContain(undefined);
        for (const [kind, probe] of Object.entries({
          readiness: c.readinessProbe,
          liveness: c.livenessProbe,
          startup: c.startupProbe,
        })) {
          const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
          if (port !== undefined)
            expect(portNamed(c, port), `${where}: ${kind} probe port ${port}`).toBe(true);
        }
      }
    }
  });

  it("take env and volumes from Secrets and ConfigMaps that exist, with the keys they name", () => {
    const data = (kind: string, name: string): Record<string, unknown> | undefined => {
      const m = OBJECTS.find((x) => x.kind === kind && x.name === name);
      return m && { ...(m.body.data as object | undefined), ...(m.body.stringData as object | undefined) };
    };
    for (const w of WORKLOADS) {
      for (const c of containersOf(w)) {
        const where = `${w.m.where} container ${c.name}`;
        for (const e of c.envFrom ?? []) {
          if (e.secretRef)
            expect(
              data("Secret", e.secretRef.name ?? ""),
              `${where}: Secret ${e.secretRef.name}`,
            ).toBeDefined();
          if (e.configMapRef)
            expect(
              data("ConfigMap", e.configMapRef.name ?? ""),
              `${where}: ConfigMap ${e.configMapRef.name}`,
            ).toBeDefined();
        }
        for (const e of c.env ?? []) {
          const s = e.valueFrom?.secretKeyRef;
          if (s)
            expect(data("Secret", s.name ?? ""), `${where}: ${e.name} from Secret ${s.name}`).toHaveProperty([
              s.key,
            ]);
          const cm = e.valueFrom?.configMapKeyRef;
          if (cm)
            expect(
              data("ConfigMap", cm.name ?? ""),
              `${where}: ${e.name} from ConfigMap ${cm.name}`,
            ).toHaveProperty([cm.key]);
        }
      }
      for (const v of w.template.spec?.volumes ?? []) {
        if (v.configMap)
          expect(data("ConfigMap", v.configMap.name ?? ""), `${w.m.where}: volume ${v.name}`).toBeDefined();
        if (v.secret)
          expect(data("Secret", v.secret.secretName ?? ""), `${w.m.where}: volume ${v.name}`).toBeDefined();
      }
    }
  });

  it("point REDIS_URL and the cluster-create Job at the Redis Cluster nodes that the StatefulSet runs", () => {
    const urls = [
      ...ofKind<{ stringData?: Record<string, string> }>("Secret").flatMap(
        ({ o }) => o.stringData?.REDIS_URL ?? [],
      ),
      ...WORKLOADS.flatMap((w) => containersOf(w).flatMap((c) => c.env ?? [])).flatMap((e) =>
        e.name === "REDIS_URL" && e.value ? [e.value] : [],
      ),
    ];
    const inCluster = urls
      .map((u) => parseRedisUrl(u))
      .filter((t) => t.nodes.some((n) => statefulSetPod(n.host)));
    expect(inCluster.length, "a REDIS_URL names the in-cluster nodes").toBeGreaterThan(0);
    for (const t of inCluster) expect(t.mode, "REDIS_URL naming the in-cluster nodes").toBe("cluster");
    for (const n of inCluster.flatMap((t) => t.nodes)) {
      const sts = statefulSetPod(n.host);
      expect(
        sts?.spec?.template.spec?.containers.some((c) => portNamed(c, n.port)),
        `${n.host}:${n.port}`,
      ).toBe(true);
    }
    const job = WORKLOADS.find((w) => w.m.name === "portcullis-redis-cluster-create");
    const env = new Map(
      containersOf(job as Workload)
        .flatMap((c) => c.env ?? [])
        .map((e) => [e.name, e.value]),
    );
    const hosts = (env.get("REDIS_NODES") ?? "").split(/\s+/).filter((h) => h !== "");
    const sts = statefulSetPod(hosts[0] ?? "");
    const all = Array.from(
      { length: sts?.spec?.replicas ?? 0 },
      (_, i) => `${sts?.metadata?.name}-${i}.${sts?.spec?.serviceName}`,
    );
    expect(hosts, "REDIS_NODES lists every node, in order").toEqual(all);
    expect(
      sts?.spec?.template.spec?.containers.some((c) => portNamed(c, Number(env.get("REDIS_PORT")))),
      "REDIS_PORT",
    ).toBe(true);
  });

  it("scale the gateway on targets that exist and on a custom metric the adapter rule derives from a gateway series", async () => {
    const adapter = parse(readFileSync(join(K8S, ADAPTER_RULES), "utf8")) as {
      rules: {
        custom: { seriesQuery: string; name: { matches: string; as: string }; metricsQuery: string }[];
      };
    };
    const metrics = await createMetrics({ collectDefaults: false }).registry.getMetricsAsJSON();
    const exported = new Map(metrics.map((m) => [m.name, String(m.type)]));
    for (const rule of adapter.rules.custom) {
      const series = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rule.seriesQuery)?.[0] ?? "";
      expect(series, `${ADAPTER_RULES}: ${rule.name.as}`).toMatch(new RegExp(rule.name.matches));
      // A histogram's series carry _sum / _count / _bucket after the metric's name.
      const base = series.replace(/_(sum|count|bucket)$/, "");
      const type = exported.get(base);
      expect(
        type !== undefined && (base === series || type === "histogram"),
        `${ADAPTER_RULES}: ${series} is a series the gateway exports`,
      ).toBe(true);
      expect(rule.metricsQuery).toContain("<<.LabelMatchers>>");
      // A counter (or a histogram's _sum / _count) only grows: it is read through a rate. A gauge is read as it is.
      expect(
        /\b(rate|irate|increase)\(/.test(rule.metricsQuery),
        `${ADAPTER_RULES}: ${rule.name.as} takes a rate of ${type} series`,
      ).toBe(type !== "gauge");
    }
    const produced = new Set(adapter.rules.custom.map((r) => r.name.as));
    for (const { m, o } of ofKind<IHorizontalPodAutoscaler>("HorizontalPodAutoscaler")) {
      const ref = o.spec?.scaleTargetRef;
      const target = OBJECTS.find(
        (x) => x.kind === ref?.kind && x.name === ref.name && x.apiVersion === ref.apiVersion,
      );
      expect(target, `${m.where}: scaleTargetRef ${JSON.stringify(ref)}`).toBeDefined();
      const kinds = (o.spec?.metrics ?? []).map((x) => x.type);
      expect(kinds, `${m.where}: CPU and a load metric`).toEqual(
        expect.arrayContaining(["Resource", "Pods"]),
      );
      for (const p of (o.spec?.metrics ?? []).flatMap((x) => (x.pods ? [x.pods] : [])))
        expect(produced, `${m.where}: Pods metric ${p.metric.name} has an adapter rule`).toContain(
          p.metric.name,
        );
    }
  });
});

describe("deploy/k8s gateway shutdown", () => {
  it("gives the gateway's drain its grace period: preStop + server.drainSeconds + the cut and the stop", () => {
    const cm = OBJECTS.find((m) => m.kind === "ConfigMap" && m.name === "portcullis-config");
    const raw: unknown = parse(
      String((cm?.body.data as Record<string, string> | undefined)?.["portcullis.yaml"]),
    );
    const { drainSeconds } = loadConfig({ raw, source: "configmap.yaml", env: {} }).server;
    const gateway = WORKLOADS.find((w) => w.m.name === "portcullis-gateway") as Workload;
    const container = containersOf(gateway)[0];
    const sleep = container?.lifecycle?.preStop?.exec?.command ?? [];
    expect(sleep[0], "preStop is a sleep").toBe("sleep");
    const preStop = Number(sleep[1]);
    // gateway/main.ts: streams still open at the drain deadline get 3 s to end in their dialect; the cluster
    // primary SIGKILLs a gateway process still there 5 s after that; 2 s for the primary itself to exit.
    const AFTER_DRAIN_S = 3 + 5 + 2;
    expect(gateway.template.spec?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      preStop + drainSeconds + AFTER_DRAIN_S,
    );
  });
});

const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
const noKubectl = kubectl.error !== undefined;

describe("deploy/k8s kustomizations under kubectl", () => {
  it.skipIf(noKubectl)(
    noKubectl ? "SKIPPED: kubectl is not installed" : "build, every object in the namespace",
    () => {
      for (const k of KUSTOMIZATIONS) {
        const r = spawnSync("kubectl", ["kustomize", join(K8S, dirname(k.file))], { encoding: "utf8" });
        expect(r.status, `${k.file}: ${r.stderr}`).toBe(0);
        const built = parseAllDocuments(r.stdout).map(
          (d) => d.toJS() as { kind: string; metadata: { namespace?: string } },
        );
        const own = OBJECTS.filter((m) =>
          (k.body.resources as string[]).some((f) => join(dirname(k.file), f) === m.file),
        );
        expect(built.map((b) => b.kind).sort(), k.file).toEqual(own.map((m) => m.kind).sort());
        for (const b of built.filter((x) => x.kind !== "Namespace"))
          expect(b.metadata.namespace).toBe(k.body.namespace);
      }
    },
  );
});
