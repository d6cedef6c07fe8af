/** The one typed Hono environment (CONVENTIONS 3): dependencies and per-request values in `c.var`. */
import type { Logger } from "pino";
import type { Classifier } from "../classifiers/types.ts";
import type { IncidentProducer } from "../contracts/incident.ts";
import type { Config } from "../config/schema.ts";
import type { DialectAdapter } from "./dialects/types.ts";
import type { DeepScanSubmitter } from "./incidents/deep-scan-submitter.ts";
import type { KeyRecord, KeyStore } from "./keys/key-store.ts";
import type { Metrics } from "./observability/metrics.ts";
import type { ModelList } from "./routing/model-list.ts";
import type { Router } from "./routing/router.ts";
import type { ResolvedPolicy } from "./screening/policy.ts";
import type { Screener } from "./screening/screener.ts";
import type { Upstream } from "./upstream/upstreams.ts";

/** Everything a request handler needs, built once per process by `gateway/main.ts`. */
export interface Deps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly keys: KeyStore;
  readonly router: Router;
  /** Model ids per dialect for `GET /v1/models`. */
  readonly modelList: ModelList;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  readonly policies: ReadonlyMap<string, ResolvedPolicy>;
  readonly classifiers: ReadonlyMap<string, Classifier>;
  readonly screener: Screener;
  readonly incidents: IncidentProducer;
  /** Queues sampled and uncertain requests for the asynchronous judge; absent when deep scan is off. */
  readonly deepScan?: DeepScanSubmitter;
  /** Readiness: false while starting or draining. */
  readonly ready: () => boolean;
}

export interface AppEnv {
  Variables: {
    deps: Deps;
    requestId: string;
    /** `performance.now()` when the request reached the first middleware (the request's duration starts here). */
    startedAt: number;
    /**
     * Takes the request out of `portcullis_requests_in_flight`; only the first call counts (set by the request
     * middleware, `middleware/request-context.ts`; absent in apps built without it).
     */
    endInFlight?: () => void;
    log: Logger;
    /** The client's dialect, set by the route before anything can fail, so errors render in it. */
    dialect: DialectAdapter;
    key: KeyRecord;
  };
}
