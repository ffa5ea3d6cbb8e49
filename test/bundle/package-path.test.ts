/**
 * The light package scanner used when reading bundles without the compiler.
 */
import { describe, expect, it } from "vitest";
import { packagePathOf } from "../../src/bundle/package-path.js";

describe("packagePathOf", () => {
  it("reads dotted and bracketed package paths after comments", () => {
    expect(packagePathOf("# METADATA\n# title: x\npackage envoy.authz\n")).toEqual(["envoy", "authz"]);
    expect(packagePathOf('package a["b-c"].d # trailing')).toEqual(["a", "b-c", "d"]);
  });
  it("returns null without a package", () => {
    expect(packagePathOf("allow := true")).toBeNull();
    expect(packagePathOf("packages.x")).toBeNull();
    expect(packagePathOf("package 1x")).toBeNull();
  });
});
