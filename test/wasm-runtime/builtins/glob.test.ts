/**
 * glob.match through the real backend, runtime and SDK. Expected values follow OPA (gobwas/glob;
 * conformance folder globmatch): null delimiters mean none, [] means ["."].
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, UNDEF, type Row, type Val } from "./harness.js";

const g = (pattern: string, delims: Val, subject: string, want: unknown): Row => ["glob.match", [pattern, delims, subject], want];

const rows: Row[] = [
  g("*:github:com", [":"], "api:github:com", true),
  g("*.github.com", ["."], "api.not-github.com", false),
  g("*.github.com", [], "api.github.com", true),
  g("*.github.com", [], "api.cdn.github.com", false),
  g("**.github.com", [], "api.cdn.github.com", true),
  g("[abc]at", [], "fat", false),
  g("[!abc]at", [], "fat", true),
  g("[!abc]at", [], "cat", false),
  g("[a-c]at", [], "bat", true),
  g("[!a-c]at", [], "bat", false),
  g("?at", ["f"], "fat", false),
  g("?at", [], "fat", true),
  g("{cat,bat,[fr]at}", [], "cat", true),
  g("{cat,bat,[fr]at}", [], "rat", true),
  g("{cat,bat,[fr]at}", [], "at", false),
  g("*", [], "foo.bar", false),
  g("*", null, "foo.bar", true),
  g("foo*", null, "foo.bar", true),
  g("?", null, "", false),
  g("[!0-9]", null, "", false),
  g("a/*/b", null, "a/b", false),
  g("a/*/b", null, "a/x/b", true),
  g("a/**/b", null, "a/b", false),
  g("a/**/b", null, "a//b", true),
  g("**/x", null, "x", false),
  g("{**/,}x", null, "x", true),
  g("***", ["."], "", true),
  g("*?*", [".", "/"], "api.github.com", false),
  g("*?*", [".", "/"], "abc", true),
  g("*", [".", "/"], "a/b", false),
  g("\\*", null, "*", true),
  g("\\*", null, "a", false),
  g("{a,{b,c}d}x", null, "cdx", true),
  g("{a,{b,c}d}x", null, "bx", false),
  g("ä?ö", null, "äxö", true),
  g("[α-ω]", null, "λ", true),
  g("/api/v1/*/models/*", ["/"], "/api/v1/acme/models/gpt-4o", true),
  g("/api/v1/*/models/*", ["/"], "/api/v1/acme/x/models/gpt-4o", false),
  // Backtracking is bounded: these would take ~60^10 steps without the failure memo.
  g("*a*a*a*a*a*a*a*a*a*a*b", null, "a".repeat(60), false),
  g("*a*a*a*a*a*a*a*a*a*a*b", null, "a".repeat(60) + "b", true),
  g("**a**a**a**a**a**a**a**a**c", ["."], "a.".repeat(40), false),
  g("{*a,*b}{*a,*b}{*a,*b}{*a,*b}x", null, "ab".repeat(30), false),
  g("[", null, "[", UNDEF),
  g("{a,b", null, "a", UNDEF),
  g("a\\", null, "a", UNDEF),
  ["glob.match", [1, null, "a"], err("glob.match: operand 1 must be string but got number")],
  ["glob.match", ["*", "x", "a"], err("glob.match: operand 2 must be one of {array, null} but got string")],
  ["glob.match", ["*", [1], "a"], err("glob.match: operand 2 must be array of strings but got array containing number")],
  ["glob.match", ["*", ["ab"], "a"], err("glob.match: operand 2 must be array of runes but got array containing string")],
  ["glob.match", ["*", null, 3], err("glob.match: operand 3 must be string but got number")],
];

describe("glob.match", () => {
  it("matches OPA's results and errors", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
