/**
 * Test discovery from parsed modules: test_ and todo_ rules, not functions or partial rules,
 * with names, entrypoints, locations and duplicate counts.
 */
import { describe, expect, it } from "vitest";
import { parseSources } from "../../src/compiler/index.js";
import { discoverTests } from "../../src/tester/discover.js";

describe("discoverTests", () => {
  it("finds complete test_ and todo_ rules only", () => {
    const modules = parseSources([{ path: "a_test.rego", source: `package a.b

test_one if true

todo_two if true

test_fn(x) if x

test_set contains 1

helper if true

test_one if false
` }]);
    const tests = discoverTests(modules);
    expect(tests).toEqual([
      { name: "data.a.b.test_one", pkg: "data.a.b", rule: "test_one", entrypoint: "a/b/test_one", location: { file: "a_test.rego", row: 3, col: 1 }, skip: false, definitions: 2 },
      { name: "data.a.b.todo_two", pkg: "data.a.b", rule: "todo_two", entrypoint: "a/b/todo_two", location: { file: "a_test.rego", row: 5, col: 1 }, skip: true, definitions: 1 },
    ]);
  });
});
