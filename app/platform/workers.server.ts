import { getDb, getDbHandle, type Db } from "~/db/client.server";
import { foregroundQuiet, inBackground } from "~/db/priority.server";
import { consumers, drainConsumer, logLine, onOutboxNudge, type Consumer } from "./outbox.server";

// A generic runner for background loops. It knows nothing about capabilities: the boot
// module (app/boot.server.ts) hands it the jobs. Every app instance runs the same jobs;
// each job must be safe side by side (outbox deliveries are claimed with FOR UPDATE
// SKIP LOCKED or a lease; periodic jobs claim their work with a unique key or a conditional UPDATE).
// Each consumer drains in its own lane, so a slow network phase (search waiting on a stopped
// Meilisearch until its deadline) never delays notifications.

export type PeriodicJob = { name: string; everyMs: number; run: (db: Db) => Promise<unknown> };

type State = { timers: NodeJS.Timeout[]; running: Set<Promise<unknown>>; stopped: boolean; unsubscribe?: () => void };
const state: State = (((globalThis as Record<string, unknown>).__atriumWorkers ??= {
  timers: [],
  running: new Set(),
  stopped: true,
}) as State);

// Periodic jobs running now, by name (shown by /healthz: a benchmark waits for the start-up runs).
const runningJobs = (((globalThis as Record<string, unknown>).__atriumRunningJobs ??= new Map<string, number>()) as Map<string, number>);

/** Names of the periodic jobs running in this process now (the outbox drain excluded). */
export function jobsRunning(): string[] {
  return [...runningJobs].filter(([name, n]) => n > 0 && name !== "outbox").map(([name]) => name).sort();
}

function loop(job: PeriodicJob) {
  const tick = async () => {
    if (state.stopped) return;
    runningJobs.set(job.name, (runningJobs.get(job.name) ?? 0) + 1);
    const p = inBackground(async () => {
      await foregroundQuiet();
      return job.run(await getDb());
    })
      // a query error's reason is in its cause (drizzle wraps it as "Failed query: …")
      .catch((e) => logLine("error", { msg: "job failed", worker: job.name, error: (e as Error).message, cause: ((e as Error).cause as Error | undefined)?.message }));
    state.running.add(p);
    await p;
    state.running.delete(p);
    runningJobs.set(job.name, (runningJobs.get(job.name) ?? 1) - 1);
    if (!state.stopped) state.timers.push(setTimeout(tick, job.everyMs));
  };
  state.timers.push(setTimeout(tick, 0));
}

type Lane = { running: Promise<void> | null; again: boolean };
const lanes = new Map<string, Lane>();

/** Drains one consumer until nothing is due; a nudge while it runs schedules exactly one more pass. */
function drainLane(c: Consumer) {
  if (state.stopped) return;
  let lane = lanes.get(c.name);
  if (!lane) lanes.set(c.name, (lane = { running: null, again: false }));
  if (lane.running) {
    lane.again = true;
    return;
  }
  const l = lane;
  // background work: requests go first (app/db/priority.server.ts), between batches too
  l.running = inBackground(async () => {
    do {
      l.again = false;
      try {
        const db = await getDb();
        // PGlite has one connection: a drain waits for requests to go quiet, or the author's next
        // page would queue behind it (priority.server.ts). PostgreSQL serves both at once; waiting
        // there added up to GATE.maxWaitMs to every write's commit → searchable while any request
        // was in flight, i.e. always on a busy server (bench:pages: p50 1.4 s on a 174 ms engine).
        const yieldToRequests = (await getDbHandle()).kind === "pglite";
        for (;;) {
          if (yieldToRequests) await foregroundQuiet();
          if (state.stopped || (await drainConsumer(db, c)) === 0) break;
        }
      } catch (e) {
        logLine("error", { msg: "outbox drain failed", consumer: c.name, error: (e as Error).message });
      }
    } while (l.again && !state.stopped);
  }).finally(() => (l.running = null));
}

/** The longest the other lanes wait for the `first` consumers' lanes after a nudge. */
export const FIRST_HEAD_START_MS = 250;

// The `first` lanes (search) start at once; the others once those have finished their pass (the
// document pushed and applied by the engine), or after FIRST_HEAD_START_MS. On a 2-core machine the
// fan-out of one post to seven other consumers took the CPU its claim, push and indexing needed:
// commit → in the engine 1.34× the engine's own add → searchable.
function drainNow() {
  const all = consumers();
  const first = all.filter((c) => c.first);
  const rest = all.filter((c) => !c.first);
  for (const c of first) drainLane(c);
  const running = first.map((c) => lanes.get(c.name)?.running).filter((p): p is Promise<void> => !!p);
  if (!running.length) return rest.forEach(drainLane);
  let timer: NodeJS.Timeout | undefined;
  const headStart = new Promise<void>((r) => (timer = setTimeout(r, FIRST_HEAD_START_MS)));
  void Promise.race([Promise.all(running), headStart]).then(() => {
    clearTimeout(timer);
    rest.forEach(drainLane);
  });
}

/** Starts the outbox drain (polling every `outboxTickMs` and on every commit nudge) and the periodic jobs. */
export function startWorkers(opts: { outboxTickMs: number; jobs: PeriodicJob[] }) {
  if (!state.stopped) return;
  state.stopped = false;
  state.unsubscribe = onOutboxNudge(drainNow);
  loop({ name: "outbox", everyMs: opts.outboxTickMs, run: async () => drainNow() });
  for (const job of opts.jobs) loop(job);
}

export async function stopWorkers() {
  state.stopped = true;
  state.unsubscribe?.();
  await Promise.all([...lanes.values()].map((l) => l.running));
  for (const t of state.timers) clearTimeout(t);
  state.timers = [];
  await Promise.all(state.running);
}
