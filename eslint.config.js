// The linter CI runs (`npm run lint`): ESLint's and typescript-eslint's recommended rules, with the
// few exceptions this codebase makes on purpose, each with its reason.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nodeGlobals = Object.fromEntries(
  ["process", "console", "Buffer", "URL", "setTimeout", "clearTimeout", "setInterval", "clearInterval"].map((g) => [g, "readonly"]),
);

export default tseslint.config(
  // The runtime is AssemblyScript (its own types and decorators); dist/ and build/ are outputs.
  { ignores: ["dist/", "build/", "node_modules/", "bench/results/", "src/wasm-runtime/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a binding kept on purpose (a destructured field left out, a parameter a signature needs).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  { files: ["**/*.js", "**/*.mjs"], languageOptions: { globals: nodeGlobals } },
  {
    files: ["test/**", "bench/**"],
    rules: {
      // Tests and benchmarks read protobuf messages and wasm exports as they come off the wire.
      "@typescript-eslint/no-explicit-any": "off",
      // Tests feed numbers past double precision on purpose, to check that they stay exact.
      "no-loss-of-precision": "off",
    },
  },
);
