import { describe, expect, it } from "vitest";
import { engineBusyShare, findings, plateauAt, shouldStop, slope, verdict, type StepSignals } from "../../scripts/lib/saturation";
import { runSaturation } from "../../scripts/lib/saturation-run";

// The pure half of `npm run bench:saturation`: when to stop raising the write concurrency, and which
// resource the signals name. Each case changes one signal and expects the verdict to follow it.

/** A step where nothing is near a limit; `over` changes what a case is about. */
function step(writers: number, writesPerSecond: number, over: Partial<Omit<StepSignals, "db" | "cpu" | "outbox" | "meili">> & { db?: Partial<StepSignals["db"]>; cpu?: Partial<StepSignals["cpu"]>; outbox?: Partial<StepSignals["outbox"]>; meili?: Partial<StepSignals["meili"]> } = {}): StepSignals {
  const { db, cpu, outbox, meili, ...rest } = over;
  return {
    writers,
    seconds: 15,
    acknowledged: Math.round(writesPerSecond * 15),
    errors: 0,
    writesPerSecond,
    latencyMs: { p50: 20, p95: 40, p99: 60 },
    db: { samples: 150, busy: Math.min(writers, 10) * 0.3, chainLockWaits: 0, lockWaits: 0, poolSize: 10, ...db },
    outbox: {
      pendingStart: 0,
      pendingEnd: 5,
      consumers: { search: { produced: writesPerSecond * 15, growth: 2, slopePerSecond: 0.1 }, notifications: { produced: writesPerSecond * 15, growth: 3, slopePerSecond: 0 } },
      ...outbox,
    },
    meili: { queueStart: 0, queueEnd: 0, lagMs: [150], tasks: 20, engineBusy: 0.1, ...meili },
    cpu: { app: 0.2, postgres: 0.1, meili: 0.05, machineBusy: 0.4, ...cpu },
    cores: 2,
    appProcesses: 1,
    load: [0.5, 0.5, 0.5],
    ...rest,
  };
}

describe("saturation: when to stop raising", () => {
  it("stops when throughput grows less than 5 % over the previous step, not before", () => {
    expect(shouldStop(undefined, { writesPerSecond: 10 })).toBe(false);
    expect(shouldStop({ writesPerSecond: 100 }, { writesPerSecond: 106 })).toBe(false);
    expect(shouldStop({ writesPerSecond: 100 }, { writesPerSecond: 104.9 })).toBe(true);
    expect(shouldStop({ writesPerSecond: 100 }, { writesPerSecond: 80 })).toBe(true);
    // the threshold is a parameter
    expect(shouldStop({ writesPerSecond: 100 }, { writesPerSecond: 106 }, 0.1)).toBe(true);
  });

  it("with patience, a single dip on a noisy machine does not stop the sweep; a plateau twice does", () => {
    const w = (xs: number[]) => xs.map((writesPerSecond) => ({ writesPerSecond }));
    // 10 → 8 (a dip) → 14 → 14.3 → 14.5: patience 1 stops at the dip, patience 2 at the plateau after 14
    expect(plateauAt(w([10, 8, 14, 14.3, 14.5]), 0.05, 1)).toBe(1);
    expect(plateauAt(w([10, 8, 14, 14.3, 14.5]), 0.05, 2)).toBe(3);
    // growth over the best, not over a dip: 10 → 8 → 10.2 is no growth
    expect(plateauAt(w([10, 8, 10.2]), 0.05, 2)).toBe(1);
    expect(plateauAt(w([10, 12, 14]), 0.05, 2)).toBeNull();
    expect(verdict([step(1, 10), step(2, 8), step(4, 14), step(8, 14.3), step(16, 14.5)], 0.05, 2).stoppedAt).toBe(3);
  });

  it("finds the step where throughput stopped growing", () => {
    const v = verdict([step(1, 20), step(2, 40), step(4, 70), step(8, 72)]);
    expect(v.stoppedAt).toBe(3);
    expect(verdict([step(1, 20), step(2, 40), step(4, 70)]).stoppedAt).toBeNull();
  });
});

describe("saturation: the verdict comes from the signals", () => {
  it("names nothing when no signal reaches its limit and throughput still grows", () => {
    const v = verdict([step(1, 20), step(2, 40)]);
    expect(v.first).toBeNull();
    expect(v.line).toMatch(/no signal reached its limit.*still grew/);
  });

  it("names the chain lock when most busy sessions wait on the chain head", () => {
    const steps = [step(1, 20), step(4, 60, { db: { busy: 4, chainLockWaits: 1 } }), step(16, 61, { db: { busy: 9, chainLockWaits: 7, lockWaits: 7 } })];
    const v = verdict(steps);
    expect(v.first).toEqual({ step: 2, resource: "archive-chain-lock" });
    expect(v.limiting).toBe("archive-chain-lock");
    expect(v.line).toContain("the per-org archive chain lock saturated first, at 16 writers");
    // one waiter of four busy sessions is below the limit
    expect(findings(steps[1]).find((f) => f.resource === "archive-chain-lock")!.score).toBeLessThan(1);
  });

  it("names the app's CPU when its one Node process uses a whole core, even with lock waits below the limit", () => {
    const steps = [step(1, 20), step(4, 60, { cpu: { app: 0.95, machineBusy: 1.2 }, db: { busy: 4, chainLockWaits: 1 } }), step(8, 61, { cpu: { app: 0.97, machineBusy: 1.3 } })];
    const v = verdict(steps);
    expect(v.first?.resource).toBe("app-cpu");
    expect(v.first?.step).toBe(1);
    expect(v.limiting).toBe("app-cpu");
  });

  it("names PostgreSQL when its backends take the largest share of a machine our processes fill", () => {
    const v = verdict([step(1, 20), step(8, 50, { cpu: { app: 0.6, postgres: 1.2, meili: 0.05, machineBusy: 1.95 } }), step(16, 50)]);
    expect(v.first?.resource).toBe("postgres-cpu");
  });

  it("does not blame the machine for CPU other processes use", () => {
    const s = step(4, 40, { cpu: { app: 0.3, postgres: 0.1, meili: 0.05, machineBusy: 2 } });
    const m = findings(s).find((f) => f.resource === "machine-cpu")!;
    expect(m.score).toBeLessThan(1);
    expect(m.evidence).toContain("other processes 1.55");
  });

  it("names the outbox when a lane's backlog keeps rising, and not when it only lags", () => {
    const rising = step(8, 60, { outbox: { pendingStart: 0, pendingEnd: 400, consumers: { notifications: { produced: 900, growth: 400, slopePerSecond: 27 }, search: { produced: 900, growth: 3, slopePerSecond: 0 } } } });
    expect(verdict([step(1, 20), rising]).first).toEqual({ step: 1, resource: "outbox" });
    // a steady backlog (a batch in flight at the end) is latency, not saturation
    const lagging = step(8, 60, { outbox: { pendingStart: 0, pendingEnd: 120, consumers: { notifications: { produced: 900, growth: 120, slopePerSecond: 0.5 } } } });
    expect(findings(lagging).find((f) => f.resource === "outbox")!.score).toBeLessThan(1);
    // rising at the end but less than 5 s of input behind (a big batch about to land): not yet
    const shallow = step(8, 60, { outbox: { pendingStart: 0, pendingEnd: 200, consumers: { notifications: { produced: 900, growth: 200, slopePerSecond: 20 } } } });
    expect(findings(shallow).find((f) => f.resource === "outbox")!.score).toBeLessThan(1);
    // a backlog that rose during the step but ended where it began is not behind either
    const recovered = step(8, 60, { outbox: { pendingStart: 50, pendingEnd: 40, consumers: { notifications: { produced: 900, growth: -10, slopePerSecond: 30 } } } });
    expect(findings(recovered).find((f) => f.resource === "outbox")!.score).toBe(0);
  });

  it("names Meilisearch when the engine is busy nearly the whole step, whatever the search lane does", () => {
    const v = verdict([step(1, 20), step(8, 60, { meili: { engineBusy: 0.95, queueStart: 0, queueEnd: 3, tasks: 40, lagMs: [4000] } })]);
    expect(v.first?.resource).toBe("meilisearch");
    expect(v.line).toContain("95 % of the step");
  });

  it("judges the search lane by freshness: a pending count with posts searchable in a second is not a backlog", () => {
    const searchBehind = { outbox: { pendingStart: 0, pendingEnd: 500, consumers: { search: { produced: 900, growth: 500, slopePerSecond: 33 } } } };
    // stale (posts searchable only after 8 s) while the engine idles: the outbox's search lane
    const stale = step(8, 60, { meili: { engineBusy: 0.2, lagMs: [8000, 9000] }, ...searchBehind });
    expect(findings(stale)[0].resource).toBe("outbox");
    expect(findings(stale)[0].evidence).toContain('"search" lane');
    // fresh (150 ms): the same count is indexed documents not yet marked done
    const fresh = step(8, 60, { meili: { engineBusy: 0.2, lagMs: [150, 200] }, ...searchBehind });
    expect(findings(fresh).find((f) => f.resource === "outbox")).toBeUndefined();
  });

  it("reports where the write path was bound when throughput stopped, apart from what fell behind after commit", () => {
    const steps = [
      step(1, 20, { outbox: { pendingStart: 0, pendingEnd: 300, consumers: { discovery: { produced: 300, growth: 300, slopePerSecond: 20 } } } }),
      step(2, 38, { db: { busy: 2, chainLockWaits: 0.6 } }),
      step(4, 39, { db: { busy: 4, chainLockWaits: 1.5 } }),
    ];
    const v = verdict(steps);
    expect(v.first?.resource).toBe("outbox");
    expect(v.stoppedAt).toBe(2);
    expect(v.limiting).toBe("archive-chain-lock");
    expect(v.line).toContain("(nearest, below its limit)");
  });
});

describe("saturation: measuring helpers", () => {
  it("slope: rising, flat and too few points", () => {
    expect(slope([{ t: 0, y: 0 }, { t: 1, y: 10 }, { t: 2, y: 20 }])).toBeCloseTo(10);
    expect(slope([{ t: 0, y: 5 }, { t: 1, y: 6 }, { t: 2, y: 5 }, { t: 3, y: 6 }])).toBeCloseTo(0.2);
    expect(slope([{ t: 1, y: 3 }])).toBe(0);
  });

  it("engineBusyShare: overlapping tasks counted once, clipped to the window, a running task runs to its end", () => {
    const at = (ms: number) => new Date(1_000_000 + ms).toISOString();
    const from = 1_000_000;
    const to = from + 10_000;
    const tasks = [
      { startedAt: at(-2_000), finishedAt: at(1_000) }, // 1 s inside
      { startedAt: at(2_000), finishedAt: at(4_000) }, // 2 s
      { startedAt: at(3_000), finishedAt: at(5_000) }, // overlaps: +1 s
      { startedAt: at(8_000), finishedAt: null }, // still processing: 2 s
      { startedAt: null, finishedAt: null }, // enqueued
    ];
    expect(engineBusyShare(tasks, from, to)).toBeCloseTo(0.6);
    expect(engineBusyShare([], from, to)).toBe(0);
  });
});

// The whole sweep at CI size (two short steps) against the production server on PostgreSQL: the
// signals are read, the writes all land in PostgreSQL, the chain and the index, and the chain verifies.
describe.skipIf(!process.env.DATABASE_URL)("bench:saturation at CI size (PostgreSQL)", () => {
  it("runs two steps with writers in two orgs through the real forms and checks every acknowledged write", async () => {
    const lines: string[] = [];
    const r = await runSaturation({
      databaseUrl: process.env.DATABASE_URL!,
      steps: [2, 4],
      orgs: 2,
      seconds: 2,
      settleSeconds: 3,
      minGrowth: 0.05,
      processes: 1,
      spaces: 2,
      port: 3334 + Number(process.env.VITEST_POOL_ID ?? 1),
      log: (l) => lines.push(l),
    });
    expect(r.steps.length).toBeGreaterThanOrEqual(1);
    for (const s of r.steps) {
      expect(s.acknowledged).toBeGreaterThan(0);
      expect(s.errors).toBe(0);
      expect(s.db.samples).toBeGreaterThan(5);
      expect(s.cpu.app).toBeGreaterThan(0);
      expect(s.outbox.consumers.search?.produced).toBeGreaterThan(0);
    }
    expect(r.lost).toBe(0);
    expect(r.check.content.inArchive).toBe(r.check.acknowledged);
    expect(r.check.content.inIndex).toBe(r.check.acknowledged);
    expect(r.archive.ok).toBe(true);
    expect(r.verdict.line).toMatch(/^verdict: /);
    expect(lines.some((l) => l.startsWith("| 2 |"))).toBe(true);
  }, 60_000);
});
