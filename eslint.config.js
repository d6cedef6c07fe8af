// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
  {
    // Dependency direction (CONVENTIONS 5): classifiers and the shared contracts never import the processes.
    files: ["classifiers/**/*.ts", "contracts/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/gateway/**", "**/workers/**"],
              message: "classifiers/ and contracts/ must not import gateway/ or workers/",
            },
          ],
        },
      ],
    },
  },
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
