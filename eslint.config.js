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
