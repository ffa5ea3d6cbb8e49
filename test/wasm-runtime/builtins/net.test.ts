/**
 * net.cidr_contains through the real backend, runtime and SDK. Expected values follow OPA
 * (Go's net package: IPv4, IPv6, IPv4-mapped IPv6; conformance folder netcidrcontains).
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, UNDEF, type Row } from "./harness.js";

const c = (cidr: string, other: string, want: unknown): Row => ["net.cidr_contains", [cidr, other], want];

const rows: Row[] = [
  c("10.0.0.0/8", "10.1.0.0/24", true),
  c("10.0.0.0/8", "10.1.2.3", true),
  c("10.0.0.0/8", "11.1.2.3", false),
  c("10.0.0.0/8", "9.0.0.0/7", false),
  c("192.168.1.0/28", "192.168.1.15", true),
  c("192.168.1.0/28", "192.168.1.16", false),
  c("192.168.1.0/28", "192.168.1.8/29", true),
  c("192.168.1.0/28", "192.168.1.8/27", false),
  c("0.0.0.0/0", "255.255.255.255", true),
  c("1.2.3.4/32", "1.2.3.4", true),
  c("1.2.3.7/30", "1.2.3.4", true),
  c("2001:4860:4860::8888/32", "2001:4860:4860:1234::8888/40", true),
  c("2001:4860:4860::8888/32", "2001:4860:4860:1234:5678:1234:5678:8888/128", true),
  c("2001:4860::/32", "2001:4861::1", false),
  c("::/0", "::1", true),
  c("fe80::/10", "fe80::1:2:3:4", true),
  c("fe80::/10", "fec0::1", false),
  c("::ffff:10.0.0.0/104", "10.1.2.3", true),
  c("10.0.0.0/8", "::ffff:10.1.2.3", true),
  c("10.0.0.0/8", "::1", false),
  c("::/0", "10.1.2.3", false),
  c("1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7:8", true),
  c("1:2:3:4:5:6:1.2.3.0/120", "1:2:3:4:5:6:102:3ff", true),
  c("not-a-cidr", "192.168.1.67", UNDEF),
  c("192.168.1.0/28", "not-a-cidr", UNDEF),
  c("192.168.1.0", "192.168.1.0", UNDEF),
  c("192.168.1.0/33", "192.168.1.0", UNDEF),
  c("192.168.01.0/24", "192.168.1.0", UNDEF),
  c("256.0.0.0/8", "1.1.1.1", UNDEF),
  c("1:2:3:4:5:6:7:8:9/64", "1::", UNDEF),
  c("1::2::3/64", "1::", UNDEF),
  c("10.0.0.0/8", "10.0.0.0/", UNDEF),
  ["net.cidr_contains", [1, "1.1.1.1"], err("net.cidr_contains: operand 1 must be string but got number")],
  ["net.cidr_contains", ["10.0.0.0/8", null], err("net.cidr_contains: operand 2 must be string but got null")],
  // net.cidr_contains_matches: keys are indexes, set members, object keys, or the string itself
  ["net.cidr_contains_matches", [["1.1.2.0/24", "1.1.1.0/24"], ["1.1.1.1", "1.1.2.1"]], [[0, 1], [1, 0]]],
  ["net.cidr_contains_matches", [[["1.1.2.0/24", 1], "1.1.1.0/24"], ["1.1.1.1", "1.1.2.1"]], [[0, 1], [1, 0]]],
  ["net.cidr_contains_matches", [new Set(["1.1.1.0/24", "1.1.2.0/24"]), new Set(["1.1.1.1", "1.1.2.1"])],
    [["1.1.1.0/24", "1.1.1.1"], ["1.1.2.0/24", "1.1.2.1"]]],
  ["net.cidr_contains_matches", ["10.0.0.0/8", { a: "10.1.1.1", b: "11.0.0.1" }], [["10.0.0.0/8", "a"]]],
  ["net.cidr_contains_matches", ["10.0.0.0/8", "10.0.0.0/16"], [["10.0.0.0/8", "10.0.0.0/16"]]],
  ["net.cidr_contains_matches", [["1.1.1.0/24"], [[], "1.1.2.1"]], err("net.cidr_contains_matches: operand 2: element must be string or non-empty array")],
  ["net.cidr_contains_matches", [["not-a-cidr"], ["1.1.2.1"]], err("net.cidr_contains_matches: invalid CIDR address")],
  ["net.cidr_contains_matches", [1, ["1.1.2.1"]], err("net.cidr_contains_matches: operand 1 must be one of {string, array, set, object} but got number")],
];

describe("net natives", () => {
  it("matches OPA's results", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
