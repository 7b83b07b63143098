import { afterAll, beforeAll, expect, it } from "vitest";
import { checkHealth } from "../../app/platform/health.server";
import { consumers, registerConsumer, unregisterConsumer, type Consumer } from "../../app/platform/outbox.server";
import { startWorkers, stopWorkers } from "../../app/platform/workers.server";
import { waitFor } from "../../scripts/lib/server-process";

// /healthz names the periodic jobs running now: benchmarks wait for a fresh server's start-up
// runs (analytics rollups at a million posts take seconds) before they measure pages.

let saved: Consumer[] = [];
let release!: () => void;
const held = new Promise<void>((r) => (release = r));
let runs = 0;

beforeAll(() => {
  // only this file's job runs: other files' pending deliveries stay put
  saved = consumers();
  for (const c of saved) unregisterConsumer(c.name);
});
afterAll(async () => {
  release();
  await stopWorkers();
  for (const c of saved) registerConsumer(c);
});

it("lists a periodic job while it runs, and not after", async () => {
  expect((await checkHealth()).jobs).toEqual([]);
  startWorkers({
    outboxTickMs: 60_000,
    jobs: [{ name: "test-held-job", everyMs: 3_600_000, run: async () => { runs++; await held; } }],
  });
  await waitFor(async () => runs === 1, 10_000, "the job to start");
  expect((await checkHealth()).jobs).toEqual(["test-held-job"]);
  release();
  await waitFor(async () => (await checkHealth()).jobs.length === 0, 10_000, "the job to finish");
  expect(runs).toBe(1);
});
