import { getDb, type Db } from "~/db/client.server";
import { drainAll, onOutboxNudge } from "./outbox.server";

// A generic runner for background loops. It knows nothing about capabilities: the boot
// module (app/boot.server.ts) hands it the jobs. Every app instance runs the same jobs;
// each job must be safe side by side (outbox deliveries are claimed with FOR UPDATE
// SKIP LOCKED; periodic jobs claim their work with a unique key or a conditional UPDATE).

export type PeriodicJob = { name: string; everyMs: number; run: (db: Db) => Promise<unknown> };

type State = { timers: NodeJS.Timeout[]; running: Set<Promise<unknown>>; stopped: boolean; unsubscribe?: () => void };
const state: State = (((globalThis as Record<string, unknown>).__atriumWorkers ??= {
  timers: [],
  running: new Set(),
  stopped: true,
}) as State);

function loop(job: PeriodicJob) {
  const tick = async () => {
    if (state.stopped) return;
    const p = getDb()
      .then((db) => job.run(db))
      .catch((e) => console.error(JSON.stringify({ level: "error", worker: job.name, error: (e as Error).message })));
    state.running.add(p);
    await p;
    state.running.delete(p);
    if (!state.stopped) state.timers.push(setTimeout(tick, job.everyMs));
  };
  state.timers.push(setTimeout(tick, 0));
}

let draining: Promise<unknown> | null = null;
let again = false;
/** Drains now; a nudge while a drain runs schedules exactly one more pass. */
function drainNow() {
  if (state.stopped) return;
  if (draining) {
    again = true;
    return;
  }
  draining = (async () => {
    do {
      again = false;
      await drainAll(await getDb()).catch((e) => console.error(JSON.stringify({ level: "error", worker: "outbox", error: (e as Error).message })));
    } while (again && !state.stopped);
  })().finally(() => (draining = null));
}

/** Starts the outbox drain (polling every `outboxTickMs` and on every commit nudge) and the periodic jobs. */
export function startWorkers(opts: { outboxTickMs: number; jobs: PeriodicJob[] }) {
  if (!state.stopped) return;
  state.stopped = false;
  state.unsubscribe = onOutboxNudge(drainNow);
  loop({ name: "outbox", everyMs: opts.outboxTickMs, run: (db) => drainAll(db) });
  for (const job of opts.jobs) loop(job);
}

export async function stopWorkers() {
  state.stopped = true;
  state.unsubscribe?.();
  await draining;
  for (const t of state.timers) clearTimeout(t);
  state.timers = [];
  await Promise.all(state.running);
}
