/**
 * The fleet simulation (bench/fleet/simulate.ts) on a small fleet: every published revision
 * reaches every poller in both modes, the periodic fleet is mostly answered 304, and the
 * long-polling fleet is answered by held requests. Figures are the bench's job, not asserted here.
 */
import { describe, expect, it } from "vitest";
import { simulateFleet } from "../../bench/fleet/simulate.js";

describe("fleet simulation", () => {
  it("delivers every revision to the whole fleet, periodic and long-polling", async () => {
    const base = { pollers: 20, seconds: 8, pollMinSeconds: 1, pollMaxSeconds: 2, longPollingTimeoutSeconds: 5, publishEverySeconds: 3 };
    const periodic = await simulateFleet({ ...base, longPolling: false });
    const long = await simulateFleet({ ...base, longPolling: true });
    for (const r of [periodic, long]) {
      expect(r.revisions_published).toBeGreaterThanOrEqual(1);
      expect(r.reach_all_seconds.every((s) => Number.isFinite(s))).toBe(true);
      expect(r.failed_polls).toBe(0);
      expect(r.share_200 + r.share_304).toBeCloseTo(1);
    }
    expect(periodic.share_304).toBeGreaterThan(0);
    expect(long.mode).toBe("long-polling");
    expect(long.long_polling_timeout_seconds).toBe(5);
  }, 60_000);
});
