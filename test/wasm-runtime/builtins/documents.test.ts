/**
 * Natives over whole documents: json.filter, json.remove, object.filter, graph.reachable and
 * net.cidr_intersects, through the real backend, runtime and SDK. Expected values follow OPA
 * (conformance folders jsonfilter, jsonremove, objectfilter, netcidrintersects; graph.reachable's docs).
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, UNDEF, type Row, type Val } from "./harness.js";

const graph = { a: ["b"], b: ["c", "d"], c: [], d: ["a"], e: new Set(["f"]), f: null };

const rows: Row[] = [
  // json.filter: string paths and segment arrays; array indexes are the segments "0", "1", …
  ["json.filter", [{}, ["a/b"]], {}],
  ["json.filter", [{ a: [{ b: 7, c: 8 }, { d: 9 }] }, ["a/0/b", "a/1"]], { a: [{ b: 7 }, { d: 9 }] }],
  ["json.filter", [{ a: { b: { c: 7, d: 8, x: 0 } }, e: 9 }, new Set<Val>(["a/b/d", ["a", "b", "c"]])], { a: { b: { c: 7, d: 8 } } }],
  ["json.filter", [{ "a/b": 1, "c~d": 2, e: 3 }, ["a~1b", "/c~0d"]], { "a/b": 1, "c~d": 2 }],
  ["json.filter", [{ s: new Set(["x", "y"]) }, [["s", "x"]]], { s: ["x"] }],
  ["json.filter", [{ a: 1 }, 3], err("json.filter: operand 2 must be one of {set, array} but got number")],
  // json.remove: indexes shift left; a shorter path covers the longer ones below it
  ["json.remove", [{ a: { b: { c: 7, d: 8 } }, e: 9 }, ["a/b/c"]], { a: { b: { d: 8 } }, e: 9 }],
  ["json.remove", [{ a: { b: { c: 7, d: 8 } }, e: 9 }, ["a/b/c", "e"]], { a: { b: { d: 8 } } }],
  ["json.remove", [{ a: { b: 7 }, c: 1 }, ["a", "a/b"]], { c: 1 }],
  ["json.remove", [{ a: 7 }, []], { a: 7 }],
  ["json.remove", [{ a: [{ b: 7, c: 8 }, { d: 9 }] }, ["a/0/b", "a/1"]], { a: [{ c: 8 }] }],
  ["json.remove", [{ a: { b: { c: 7, d: 8 } }, e: 9 }, [["a", "b", "c"], ["e"]]], { a: { b: { d: 8 } } }],
  ["json.remove", [{ s: new Set(["x", "y"]) }, [["s", "x"]]], { s: ["y"] }],
  ["json.remove", ["foo", ["a/b/c"]], err("json.remove: operand 1 must be object but got string")],
  ["json.remove", [[], ["a"]], err("json.remove: operand 1 must be object but got array")],
  ["json.remove", [{ a: 1 }, 22], err("json.remove: operand 2 must be one of {set, array} but got number")],
  ["json.remove", [{ a: 1 }, ["a", { x: 1 }]],
    err("json.remove: operand 2 must be one of {set, array} containing string paths or array of path segments but got object")],
  // object.filter: keys from an array, a set or an object's keys; non-string keys stay what they are
  ["object.filter", [{ a: { b: { c: 7, d: 8 } }, e: 9 }, ["a"]], { a: { b: { c: 7, d: 8 } } }],
  ["object.filter", [{ a: 1, b: 2, c: 3 }, { a: 0, c: 0 }], { a: 1, c: 3 }],
  ["object.filter", [new Map<Val, Val>([[1, "one"], [2, "two"]]), new Set([2])], { "2": "two" }],
  ["object.filter", [[], ["a"]], err("object.filter: operand 1 must be object but got array")],
  ["object.filter", [{}, "a"], err("object.filter: operand 2 must be one of {object, set, array} but got string")],
  // graph.reachable: neighbours from arrays or sets; a node without an entry is not reached
  ["graph.reachable", [graph, ["a"]], ["a", "b", "c", "d"]],
  ["graph.reachable", [graph, new Set(["e"])], ["e", "f"]],
  ["graph.reachable", [graph, ["zz"]], []],
  ["graph.reachable", [[1], ["a"]], err("graph.reachable: operand 1 must be object but got array")],
  // net.cidr_intersects
  ["net.cidr_intersects", ["fd1e:5bfe:8af3:9ddc::/64", "fd1e:5bfe:8af3:9ddc:1111::/72"], true],
  ["net.cidr_intersects", ["fd1e:5bfe:8af3:9ddc::/64", "2001:4860:4860::8888/32"], false],
  ["net.cidr_intersects", ["10.0.0.0/8", "10.1.0.0/16"], true],
  ["net.cidr_intersects", ["10.1.0.0/16", "10.0.0.0/8"], true],
  ["net.cidr_intersects", ["192.168.1.0/28", "192.168.2.0/28"], false],
  ["net.cidr_intersects", ["192.168.1.0/28", "not-a-cidr"], err("net.cidr_intersects: invalid CIDR address")],
  ["net.cidr_intersects", ["192.168.1.0/28", "192.168.1.1"], UNDEF],
];

describe("document natives", () => {
  it("match OPA's results and errors", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
