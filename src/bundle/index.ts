/**
 * The bundle toolchain's public API, used by the CLI, the sidecar and CI scripts: read,
 * write, build, sign and verify bundles in OPA's format.
 */
export { parseBundleFiles, checkWasm, MANIFEST_FILE, SIGNATURES_FILE, WASM_FILE } from "./bundle.js";
export type { Bundle, BundleWasm } from "./bundle.js";
export { readBundle, readBundleFiles, extractBundle, writeFilesToDir } from "./fs.js";
export type { ReadOptions } from "./fs.js";
export { writeBundle, bundleFiles, serializeSignatures } from "./write.js";
export { signBundle, signedFiles } from "./sign.js";
export type { SignOptions, SignedFile } from "./sign.js";
export { verifyBundle, assertVerified } from "./verify.js";
export type { VerifyOptions, VerifyReport } from "./verify.js";
export { hashFile, isStructuredFile, DEFAULT_HASH_ALGORITHM } from "./hash.js";
export { parseManifest, serializeManifest, effectiveRoots, rootsContain } from "./manifest.js";
export type { Manifest, WasmResolver } from "./manifest.js";
export { SIGNING_ALGORITHMS, isSigningAlgorithm } from "./keys.js";
export type { SigningAlgorithm } from "./keys.js";
export { DEFAULT_LIMITS } from "./tar.js";
export type { ReadLimits } from "./tar.js";
export { BUNDLE_ERROR_CODES } from "./errors.js";
export { buildBundle, loadBuildSources, parseBundleDefinition, gitRevision, BUNDLE_DEFINITION_FILE } from "./build.js";
export type { BuildOptions, BundleDefinition } from "./build.js";
export { assembleBundle } from "./assemble.js";
export type { BuildSources, BuildResult, BuildSummary } from "./assemble.js";
export { wasmInfo } from "./wasm-info.js";
export type { WasmInfo } from "./wasm-info.js";
export { OciClient } from "./oci.js";
export type { OciClientOptions, OciCredentials, PushResult } from "./oci.js";
export { parseOciReference, isOciSource, OCI_MANIFEST_TYPE, OCI_LAYER_TYPE, OCI_CONFIG_TYPE } from "./oci-format.js";
export type { OciReference } from "./oci-format.js";
export { applyDelta, isDeltaBundle, parseDelta, PATCH_FILE } from "./delta.js";
export type { PatchOp } from "./delta.js";
