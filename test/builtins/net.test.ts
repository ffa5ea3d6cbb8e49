// CIDR built-ins against the netcidr* conformance folders and Go's net package formatting.
import { describe, expect, it } from "vitest";
import { netBuiltins as n, parseNet } from "../../src/builtins/net.js";

describe("net built-ins", () => {
  it("merges (netcidrmerge)", () => {
    const m = n["net.cidr_merge"]!;
    expect(m(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"])).toEqual(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]);
    expect(m(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128", "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]))
      .toEqual(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]);
    expect(m(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64", "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"])).toEqual(["2601:600:8a80:207e::/64"]);
    expect(() => m(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3"])).toThrow("net.cidr_merge: IPv6 invalid: needs prefix length");
    expect(m(["192.0.128.0/24", "192.0.129.0/24"])).toEqual(["192.0.128.0/23"]);
    expect(m(["192.0.129.0/24", "192.0.130.0/24"])).toEqual(["192.0.129.0/24", "192.0.130.0/24"]);
    expect(m(["10.0.0.1", "10.0.0.0", "10.0.0.2", "10.0.0.3"])).toEqual(["10.0.0.0/30"]);
  });
  it("expands and validates", () => {
    expect(n["net.cidr_expand"]!("192.168.0.0/30")).toEqual(["192.168.0.0", "192.168.0.1", "192.168.0.2", "192.168.0.3"]);
    expect(n["net.cidr_expand"]!("::1/127")).toEqual(["::", "::1"]);
    expect(() => n["net.cidr_expand"]!("10.0.0.0/8")).toThrow(/more than 65536/);
    expect(n["net.cidr_is_valid"]!("10.0.0.0/8")).toBe(true);
    expect(n["net.cidr_is_valid"]!("10.0.0.0")).toBe(false);
    expect(n["net.cidr_is_valid"]!("10.0.0.256/8")).toBe(false);
    expect(n["net.cidr_is_valid"]!("::ffff:1.2.3.4/120")).toBe(true);
    expect(n["net.cidr_is_valid"]!(5)).toBe(false);
    expect(parseNet("1:2:3:4:5:6:7:8:9/64", false)).toBeUndefined();
  });
});
