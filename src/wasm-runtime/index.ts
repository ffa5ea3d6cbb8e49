// The runtime's entry file: asc exports what this file exports. Native built-ins are separate
// entry files (builtins/*.ts), added to the build by scripts/build-runtime.mjs.

export * from "./abi";
