import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { heapPolicy } from "~/platform/heap-policy.server";

// The heap growth policy server.ts applies before the app loads (HEAP_GROWING_PERCENT, docs/deploy.md
// "Memory per process"): what it sets, when the operator's own flag wins, and that it does bound the heap.

type Churn = { flag: string | null; peakOldMb: number; liveOldMb: number };

/** tests/support/heap-churn.ts in a node of its own (a V8 flag is process-wide). */
function churn(percent: number, nodeFlags: string[] = []): Churn {
  const r = spawnSync(process.execPath, ["--expose-gc", ...nodeFlags, "--import", "tsx", "tests/support/heap-churn.ts", String(percent)], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" }, // vitest's own options are not the child's business
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Churn;
}

describe("heap growth policy", () => {
  it("sets --heap-growing-percent, unless 0 or the operator gave node the flag", () => {
    expect(heapPolicy(50, []).flag).toBe("--heap-growing-percent=50");
    expect(heapPolicy(0, []).flag).toBeNull();
    expect(heapPolicy(50, ["--heap-growing-percent=200"]).flag).toBeNull();
    expect(heapPolicy(50, ["--heap_growing_percent", "200"]).flag).toBeNull();
    // other heap flags do not switch it off: they bound the heap, this sets its growth
    expect(heapPolicy(50, ["--max-old-space-size=1024", "--max-semi-space-size=16"]).flag).toBe("--heap-growing-percent=50");
  });

  it("keeps the old space near what is alive, where V8's default lets garbage pile up to several times it", () => {
    const bounded = churn(50);
    expect(bounded.flag).toBe("--heap-growing-percent=50");
    expect(bounded.liveOldMb).toBeGreaterThan(40);
    expect(bounded.peakOldMb).toBeLessThan(2.2 * bounded.liveOldMb);
    const unbounded = churn(0);
    expect(unbounded.flag).toBeNull();
    expect(unbounded.peakOldMb).toBeGreaterThan(3 * unbounded.liveOldMb);
    // the operator's flag wins over the variable
    const theirs = churn(50, ["--heap-growing-percent=300"]);
    expect(theirs.flag).toBeNull();
    expect(theirs.peakOldMb).toBeGreaterThan(3 * theirs.liveOldMb);
  }, 120_000);
});
