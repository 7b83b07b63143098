import { getDb } from "~/db/client.server";
import { createDailyCheckpoints } from "~/compliance/verify.server";
import { drainAll } from "./outbox.server";

// Every app instance runs these loops. They are safe side by side: deliveries are
// claimed with FOR UPDATE SKIP LOCKED and checkpoints are unique per org, chain and day.

type State = { timers: NodeJS.Timeout[]; running: Promise<unknown> | null; stopped: boolean };
const state: State = (((globalThis as Record<string, unknown>).__atriumWorkers ??= {
  timers: [],
  running: null,
  stopped: true,
}) as State);

const OUTBOX_TICK_MS = Number(process.env.OUTBOX_TICK_MS ?? 200);
const CHECKPOINT_TICK_MS = 60 * 60_000;

function loop(fn: () => Promise<unknown>, every: number) {
  const tick = async () => {
    if (state.stopped) return;
    const p = fn().catch((e) => console.error("[worker]", (e as Error).message));
    state.running = p;
    await p;
    state.running = null;
    if (!state.stopped) state.timers.push(setTimeout(tick, every));
  };
  state.timers.push(setTimeout(tick, 0));
}

export function startWorkers() {
  if (!state.stopped) return;
  state.stopped = false;
  loop(async () => drainAll(await getDb()), OUTBOX_TICK_MS);
  loop(async () => createDailyCheckpoints(await getDb()), CHECKPOINT_TICK_MS);
}

export async function stopWorkers() {
  state.stopped = true;
  for (const t of state.timers) clearTimeout(t);
  state.timers = [];
  await state.running;
}
