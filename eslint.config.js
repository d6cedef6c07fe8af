// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * An import of one of the folders `names` (top-level, or inside gateway/ for its own walls), however many `../`
 * lead there. Matched on the import string, so "../stream/guard.ts" from gateway/dialects/ counts as stream/.
 */
const into = (/** @type {string[]} */ ...names) => `(^|/)(${names.join("|")})/`;

/** @param {string} message @param {string[]} names */
const wall = (message, ...names) => ({ regex: into(...names), message });

const NO_TESTS_OR_BENCH = wall(
  "production code never imports test/ or bench/ (the demo upstream lives in gateway/embedded/demo-upstream/)",
  "test",
  "bench",
);
const GATEWAY = [
  wall("gateway/ must not import workers/: share code through config/ or contracts/", "workers"),
  NO_TESTS_OR_BENCH,
];

/**
 * Import boundaries between the top-level folders (CONVENTIONS 5) and inside gateway/, one block per folder with
 * every pattern that applies to it: a later block that sets `no-restricted-imports` for the same file replaces the
 * earlier one's options, so the gateway sub-folder blocks repeat the gateway's walls. bench/ and test/ may import
 * anything. Dynamic `import()` is not checked (only the gateway's registry uses it, for classifiers/).
 */
const boundaries = [
  {
    files: ["contracts/**/*.ts"],
    patterns: [
      wall(
        "contracts/ is the shared leaf: it imports no other folder except classifiers/types.ts (the taxonomy)",
        "gateway",
        "workers",
        "config",
        "bench",
        "test",
      ),
      {
        regex: "(^|/)classifiers/(?!types\\.ts$)",
        message: "contracts/ may import only classifiers/types.ts (score keys and stages) from classifiers/",
      },
    ],
  },
  {
    files: ["config/**/*.ts"],
    patterns: [
      wall(
        "config/ is shared by the gateway and the workers: it may import contracts/ and classifiers/ only",
        "gateway",
        "workers",
        "bench",
        "test",
      ),
      {
        regex: "(^|/)classifiers/(?!(types|rules)\\.ts$)",
        message: "config/ may import only classifiers/types.ts and classifiers/rules.ts (types and rules)",
      },
    ],
  },
  {
    files: ["classifiers/**/*.ts", "classifiers/**/*.js"],
    patterns: [
      wall(
        "classifiers/ only score: they must not import gateway/, workers/ or config/",
        "gateway",
        "workers",
        "config",
      ),
      NO_TESTS_OR_BENCH,
    ],
  },
  {
    files: ["workers/**/*.ts"],
    patterns: [
      wall("workers/ must not import gateway/: share code through config/ or contracts/", "gateway"),
      NO_TESTS_OR_BENCH,
    ],
  },
  { files: ["gateway/**/*.ts", "gateway/**/*.tsx"], patterns: GATEWAY },
  {
    files: ["gateway/dialects/**/*.ts"],
    patterns: [
      ...GATEWAY,
      wall(
        "gateway/dialects/ must not import gateway/stream/: the stream guard depends on the dialects' renderer " +
          "contract, not the reverse (SSE types come from gateway/sse/)",
        "stream",
      ),
    ],
  },
  {
    files: ["gateway/sse/**/*.ts"],
    patterns: [
      ...GATEWAY,
      wall(
        "gateway/sse/ is the SSE codec: it must not import gateway/stream/ or gateway/dialects/",
        "stream",
        "dialects",
      ),
    ],
  },
  {
    files: ["scripts/**/*.js"],
    patterns: [
      wall(
        "scripts/ run before anything is compiled: they import no project folder",
        "gateway",
        "workers",
        "classifiers",
        "contracts",
        "config",
        "bench",
        "test",
      ),
    ],
  },
].map(({ files, patterns }) => ({ files, rules: { "no-restricted-imports": ["error", { patterns }] } }));

export default tseslint.config(
  { ignores: ["node_modules/", "var/", "coverage/", "dist/", "bench/results/", "models/**/*.json"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js", "bench/k6/*.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  ...boundaries,
  {
    // Serving never loads training (issue 12 item A): what the gateway and workers run, and the classifier modules
    // they load, import no training, eval, synthetic-data or CLI code and no training-data reader. The
    // @typescript-eslint twin of no-restricted-imports is used so that this block does not replace the core rule's
    // options set by the dependency-direction block above, and type-only imports count too. Offline CLIs that read
    // the shared data on purpose (benign signature set, labels export) are left out.
    files: [
      "gateway/**/*.ts",
      "gateway/**/*.tsx",
      "workers/**/*.ts",
      "classifiers/*.ts",
      "classifiers/{onnx,signatures,judge,transformer}/**/*.ts",
    ],
    ignores: [
      "classifiers/{data,batch,calibrate,metrics,rng}.ts",
      "gateway/signatures/build-benign-set.ts",
      "workers/cli/**",
    ],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex:
                "(^|/)classifiers/(train|eval|synthetic|cli)/|(^|/)classifiers/(data|batch|calibrate|metrics|rng)\\.ts$",
              message: "serving code must not import classifiers' training, eval, synthetic-data or CLI code",
            },
            {
              regex: "^\\.\\.?/(train|eval|synthetic|cli)/|^\\.\\.?/(data|batch|calibrate)\\.ts$",
              message:
                "classifiers' serving modules must not import training, eval, synthetic-data or CLI code",
            },
          ],
        },
      ],
    },
  },
  {
    // One body reader (gateway/http/node-io.ts) so every route gets the body limit while reading (issue 10 item 3).
    files: ["gateway/**/*.ts", "gateway/**/*.tsx"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "MemberExpression[object.property.name='req'][property.name=/^(text|json|parseBody|arrayBuffer|blob|formData)$/]",
          message:
            "read request bodies with readBodyText/readBodyBytes (gateway/http/node-io.ts): they enforce the body limit",
        },
      ],
    },
  },
  {
    files: ["bench/k6/**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { __ENV: "readonly", __VU: "readonly" } },
  },
  {
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
);
