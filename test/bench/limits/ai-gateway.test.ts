/**
 * bench/limits/ai-gateway.ts: the hand-written AI-gateway decision agrees with policies/ compiled by
 * regent, with bundles/ai-gateway's data, on every case of bench/fixtures/ai-gateway.ts (allows and
 * a deny through each module). If the policy changes, this test says the limit must follow.
 */
import { describe, expect, it } from "vitest";
import { aiCases, aiGatewayData } from "../../../bench/fixtures/ai-gateway.js";
import { aiGatewayDecision } from "../../../bench/limits/ai-gateway.js";
import { canonical } from "../../../bench/lib/policy.js";
import { loadAiGateway } from "../../../bench/suites/ai-gateway.js";

describe("aiGatewayDecision", () => {
  it("allows the benchmark request and denies the others with the policy's reasons", async () => {
    const ai = await loadAiGateway(); // throws bench_mismatch_error naming the case on any disagreement
    if (!ai.ok) throw new Error(ai.why);
    const data = aiGatewayData();
    const reasons = aiCases().map((c) => (aiGatewayDecision(c.input, data) as { reason: string }).reason);
    expect(reasons[0]).toBe("allowed");
    expect(new Set(reasons).size).toBeGreaterThan(12);
    for (const c of aiCases()) expect(canonical(ai.ready.decide(c.input))).toBe(canonical(aiGatewayDecision(c.input, data)));
  });
});
